//! How every form of the portal behaves before, during and after its island wakes up
//! (docs/architecture.md, "Forms"): the form is a real `<form method="post" action="/api/…">`,
//! so a person who types and taps before the WebAssembly has started posts it natively; when
//! the island wakes up it takes what the browser already holds (typed, autofilled, chosen)
//! instead of starting empty; and once awake it sends what the form holds at the moment of
//! sending, not a copy of it kept on the side.
//!
//! Two directives bind a field to the island's state without ever overwriting what the
//! person did before hydration (`prop:value` would: it writes the island's empty start into
//! the field): `use:typed` for text, `use:ticked` for a checkbox or a radio button. [`held`] turns a submission into the server function's input, and
//! [`form_action`] makes the refusal of a post sent without JavaScript (which the server
//! answers with a redirect back to the page, the refusal in its address) the island's own.

use leptos::prelude::*;
use leptos::server::ServerAction;
use leptos::server_fn::{error::FromServerFnError, ServerFn};
use leptos::web_sys::{Element, HtmlInputElement};

/// Marks an element whose directive already runs, so that a view rebuilt around it does not
/// bind it twice.
const BOUND: &str = "data-bound";

/// The element as something with a `value` and `checked` (inputs, selects and text areas all
/// answer to the same property names).
fn field(el: &Element) -> HtmlInputElement {
    use leptos::wasm_bindgen::JsCast;
    el.clone().unchecked_into::<HtmlInputElement>()
}

/// Runs `on_change` on each `input` and `change` event of `el` for the page's lifetime.
fn listen(el: &Element, on_change: impl Fn(&HtmlInputElement) + 'static) {
    use leptos::wasm_bindgen::{closure::Closure, JsCast};
    let input = field(el);
    // The closure type of the views' own event handlers: no glue of its own in the bundle.
    let handler = Closure::wrap(Box::new(move |_: leptos::web_sys::Event| on_change(&input)) as Box<dyn FnMut(leptos::web_sys::Event)>);
    for event in ["input", "change"] {
        let _ = el.add_event_listener_with_callback(event, handler.as_ref().unchecked_ref());
    }
    // The field lives as long as the page: the handler is never removed.
    handler.forget();
}

/// True the first time a directive meets `el`.
fn first_binding(el: &Element) -> bool {
    if el.has_attribute(BOUND) {
        return false;
    }
    let _ = el.set_attribute(BOUND, "");
    true
}

/// A text field (input, select, text area) bound to `value`: on hydration `value` takes what
/// the field holds (typed or autofilled before the island woke up), while a field the island
/// builds later starts from `value` (an element the server sent is in the document when the
/// directive runs, one the island builds is not yet); then each keystroke
/// updates `value`, and a change of `value` by the island (a template's name to edit, say) is
/// written into the field.
pub fn typed(el: Element, value: RwSignal<String>) {
    if !first_binding(&el) {
        return;
    }
    let input = field(&el);
    if el.is_connected() {
        // Hydrating a field the server sent: it holds what the person typed.
        let held = input.value();
        if held != value.get_untracked() {
            value.set(held);
        }
    } else {
        // A field the island builds itself (shown by a choice) starts from the island's value.
        input.set_value(&value.get_untracked());
    }
    listen(&el, move |input| value.set(input.value()));
    Effect::new(move |_| {
        let wanted = value.get();
        if input.value() != wanted {
            input.set_value(&wanted);
        }
    });
}

/// A checkbox (or the radio button that stands for `true`) bound to `on`: on hydration `on`
/// takes the box's state as the person left it; a box the island builds starts from `on`.
/// The view also writes the starting state as HTML (`checked=on.get_untracked()`): the page
/// the server sends then shows it, and hydration reads back the same state unless the person
/// changed it.
pub fn ticked(el: Element, on: RwSignal<bool>) {
    if !first_binding(&el) {
        return;
    }
    let input = field(&el);
    if el.is_connected() {
        if input.checked() != on.get_untracked() {
            on.set(input.checked());
        }
    } else {
        input.set_checked(on.get_untracked());
    }
    listen(&el, move |input| on.set(input.checked()));
    Effect::new(move |_| {
        let wanted = on.get();
        if input.checked() != wanted {
            input.set_checked(wanted);
        }
    });
}

/// The submission of a form an island took over, as the server function's input: what the
/// form holds now, read from the form itself. `None` (nothing is sent) when the form cannot
/// be read as that input, which only a form that does not match its function can cause.
pub fn held<S: leptos::form::FromFormData>(ev: &leptos::ev::SubmitEvent) -> Option<S> {
    ev.prevent_default();
    S::from_event(ev).ok()
}

/// The server action of a form. A post sent without JavaScript that the function refused
/// comes back to the page with the refusal in its address (`__path`, `__err`: Leptos' own
/// form redirects); the server renders it as the action's value, and so does the island in
/// the browser, so the sentence stays on the page after hydration.
pub fn form_action<S>() -> ServerAction<S>
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: FromServerFnError + Send + Sync + 'static,
{
    #[cfg(feature = "hydrate")]
    if use_context::<leptos::server::ServerActionError>().is_none() {
        if let Some(error) = refusal_in_address() {
            provide_context(error);
        }
    }
    ServerAction::new()
}

/// The refusal a form redirect put into the page's address, if any.
#[cfg(feature = "hydrate")]
fn refusal_in_address() -> Option<leptos::server::ServerActionError> {
    let search = window().location().search().ok()?;
    if !search.contains("__err=") {
        return None;
    }
    let query = leptos::web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    Some(leptos::server::ServerActionError::new(&query.get("__path")?, &query.get("__err")?))
}
