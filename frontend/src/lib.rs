//! The WebAssembly entry point. The pages are rendered on the server; only their interactive
//! parts (`#[island]` components: forms, the language switch, sign-out) run here, which keeps
//! the page tables, lists and frames out of the download.

// The islands' entry points are exported from the `app` crate; nothing here calls into it,
// so this keeps it linked.
extern crate app;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Without a client-side router, a server function's redirect (sign-in, company choice,
    // sign-out) is an ordinary navigation.
    let _ = leptos::server_fn::redirect::set_redirect_hook(|location: &str| {
        let _ = leptos::prelude::window().location().set_href(location);
    });
    leptos::mount::hydrate_islands();
}
