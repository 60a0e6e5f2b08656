//! The check anyone can run on a poll's published ballots (`server verify-poll papeletas.json`, and
//! the server's own tests): every ballot's token carries a valid signature by the poll's key and the
//! ballot's own choices, no token and no code is used twice, every ballot's choices are valid, ballots
//! do not exceed the tokens issued, and the recount equals the published tally.

use super::{MAX_TOKEN_BYTES, NONCE_BYTES, Publication, Tally, check_choices, choices_of_token, tally, unb64};
use blind_rsa_signatures::{MessageRandomizer, PublicKeySha384PSSRandomized, Signature};
use std::collections::HashSet;

/// A token's signature check: RSASSA-PSS with SHA-384 over `randomizer ‖ token` (RFC 9474's
/// RSABSSA-SHA384-PSS-Randomized), as `openssl dgst -sha384 -sigopt rsa_padding_mode:pss
/// -sigopt rsa_pss_saltlen:48` also checks it.
pub fn token_is_signed(key: &PublicKeySha384PSSRandomized, token: &str, randomizer: &str, signature: &str) -> bool {
    let (Some(token), Some(randomizer), Some(signature)) = (unb64(token), unb64(randomizer), unb64(signature)) else {
        return false;
    };
    let Ok(randomizer) = <[u8; 32]>::try_from(randomizer.as_slice()) else { return false };
    (NONCE_BYTES..=MAX_TOKEN_BYTES).contains(&token.len())
        && key.verify(&Signature(signature), Some(MessageRandomizer(randomizer)), &token).is_ok()
}

/// What the check found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub ballots: usize,
    pub recount: Tally,
    /// Each problem found, in words (empty: everything checks).
    pub problems: Vec<String>,
}

impl Report {
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }
}

pub fn check(publication: &Publication) -> Report {
    let mut problems = Vec::new();
    let key = match PublicKeySha384PSSRandomized::from_pem(&publication.poll.public_key_pem) {
        Ok(key) => Some(key),
        Err(error) => {
            problems.push(format!("the poll's public key cannot be read: {error}"));
            None
        }
    };
    let (mut tokens, mut codes) = (HashSet::new(), HashSet::new());
    for ballot in &publication.ballots {
        if let Some(key) = &key
            && !token_is_signed(key, &ballot.token, &ballot.randomizer, &ballot.signature)
        {
            problems
                .push(format!("ballot {}: its token's signature does not check against the poll's key", ballot.code));
        }
        if !tokens.insert(unb64(&ballot.token).unwrap_or_else(|| ballot.token.clone().into_bytes())) {
            problems.push(format!("ballot {}: its token was used by an earlier ballot", ballot.code));
        }
        if !codes.insert(ballot.code.as_str()) {
            problems.push(format!("ballot {}: this code is on an earlier ballot", ballot.code));
        }
        if unb64(&ballot.token).and_then(|token| choices_of_token(&token)).as_ref() != Some(&ballot.choices) {
            problems.push(format!("ballot {}: its choices are not the ones its signed token carries", ballot.code));
        }
        if let Err(problem) = check_choices(&publication.poll.questions, &ballot.choices) {
            problems.push(format!("ballot {}: its choices are not a valid answer ({problem:?})", ballot.code));
        }
    }
    let ballots = publication.ballots.len();
    if ballots as u64 > publication.tokens_issued {
        problems.push(format!("{ballots} ballots but only {} tokens issued", publication.tokens_issued));
    }
    if publication.tokens_issued > publication.census_size {
        problems.push(format!(
            "{} tokens issued but only {} residents in the census",
            publication.tokens_issued, publication.census_size
        ));
    }
    let recount = tally(&publication.poll.questions, publication.ballots.iter().map(|ballot| &ballot.choices));
    if recount != publication.tally {
        problems.push(format!("the recount {recount:?} differs from the published tally {:?}", publication.tally));
    }
    Report { ballots, recount, problems }
}
