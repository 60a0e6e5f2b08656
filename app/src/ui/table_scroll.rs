//! A wide table's frame: it scrolls sideways on a narrow screen (with edge shadows as the cue), and
//! can be scrolled from the keyboard because it takes focus, with its name read out as a region.
use leptos::prelude::*;

#[component]
pub fn TableScroll(#[prop(into)] label: String, children: Children) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=label>
            {children()}
        </div>
    }
}
