//! `site-bindgen INPUT.wasm OUT_DIR NAME`: writes `NAME.js` (an ES module the page imports) and
//! `NAME_bg.wasm` into OUT_DIR from the `frontend` crate's WASM, as `wasm-bindgen --target web
//! --no-typescript --out-name NAME` does. Called by scripts/lib/build.sh.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out_dir, name] = args.as_slice() else {
        eprintln!("usage: site-bindgen INPUT.wasm OUT_DIR NAME");
        return ExitCode::from(2);
    };
    let generated = wasm_bindgen_cli_support::Bindgen::new()
        .input_path(input)
        .out_name(name)
        .typescript(false)
        // As the CLI: the glue names the WASM file as its default URL (build.sh renames both).
        .omit_default_module_path(false)
        .web(true)
        .and_then(|bindgen| bindgen.generate(out_dir));
    match generated {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("site-bindgen: {error:#}");
            ExitCode::FAILURE
        }
    }
}
