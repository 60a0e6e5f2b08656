//! Generates the typed translation module from `locales/{locale}/{namespace}.json`; a missing key in one
//! locale fails the build. One namespace per capability, and `common` for the frame and shared words.
use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=Cargo.toml");
    // `sqlx::migrate!` embeds migrations/ at compile time but cannot tell cargo (on stable) to rebuild
    // when a migration is added or edited; without this a new migration is silently left out.
    println!("cargo::rerun-if-changed=migrations");
    // The WASM build type-erases Leptos components (.cargo/config.toml) to stay within its size budget.
    println!("cargo::rustc-check-cfg=cfg(erase_components)");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    // Spanish (Peru) first: it is the district's language and the fallback for anything unset.
    let config = Config::new("es-PE")
        .and_then(|config| config.add_locale("en"))
        .and_then(|config| {
            config.add_namespaces([
                "common",
                "site",
                "reporting",
                "cases",
                "staff",
                "transparency",
                "tramites",
                "treasury",
                "civil_registry",
                "participation",
                "council",
                "integrity",
                "visits",
                "affidavits",
                "procurement",
                "alerts",
            ])
        })
        .expect("valid locale list")
        // Lets t_string! fill in values ("{{ size }}") for attributes and plain strings.
        .parse_options(ParseOptions::new().interpolate_display(true));
    let translations = TranslationsInfos::parse(config).expect("locales/*.json parse");
    translations.emit_diagnostics();
    translations.rerun_if_locales_changed();
    translations.generate_i18n_module(out_dir.join("i18n")).expect("write the generated i18n module");
}
