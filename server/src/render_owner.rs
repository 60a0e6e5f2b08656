//! Keeps each server render on its own reactive owner while it is polled.
//!
//! Leptos keeps the current reactive owner and its arena (where signals live) in thread-locals, and
//! sets them when a render starts. Its axum integration then polls the render outside the sandbox that
//! would restore them: `leptos_meta` yields once before it reads the page title and the first chunk. A
//! render resumed on a thread that another request used in between read its signals in that request's
//! arena: it panicked ("already been disposed"; 198 of 2,000 mixed requests at 24 at a time got no
//! answer at all), and two renders of the same page could read each other's values, since every
//! request's arena hands out the same keys in the same order.
//!
//! The fix from outside: the page context records the render's root owner in a slot the request
//! carries ([`record`]), and every poll of the handler and of the response body runs with that owner
//! (and so its arena) set ([`bind`], [`bind_response`]).

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use futures_util::Stream;
use leptos::prelude::{Owner, use_context};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

/// Where a request's render records its root owner.
#[derive(Clone, Default)]
pub struct RenderOwner(Arc<Mutex<Option<Owner>>>);

impl RenderOwner {
    fn get(&self) -> Option<Owner> {
        self.0.lock().map(|owner| owner.clone()).unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }
}

/// Called inside a render, where the request's parts are in context: records the current owner in the
/// request's slot, if it has one.
pub fn record() {
    let slot = use_context::<http::request::Parts>().and_then(|parts| parts.extensions.get::<RenderOwner>().cloned());
    if let Some(slot) = slot {
        let mut owner = slot.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *owner = Owner::current();
    }
}

/// A future or stream polled with the slot's owner set, once the render has recorded one.
struct Bound<T> {
    slot: RenderOwner,
    inner: Pin<Box<T>>,
}

impl<T> Bound<T> {
    fn with_owner<R>(&mut self, poll: impl FnOnce(Pin<&mut T>) -> R) -> R {
        match self.slot.get() {
            Some(owner) => owner.with(|| poll(self.inner.as_mut())),
            None => poll(self.inner.as_mut()),
        }
    }
}

impl<F: Future> Future for Bound<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.with_owner(|inner| inner.poll(cx))
    }
}

impl<S: Stream> Stream for Bound<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        self.with_owner(|inner| inner.poll_next(cx))
    }
}

/// Middleware for the page routes: gives the request a slot and runs the handler bound to it.
pub async fn bind(mut request: Request, next: Next) -> Response {
    let slot = RenderOwner::default();
    request.extensions_mut().insert(slot.clone());
    bind_response(slot, next.run(request)).await
}

/// Runs `response` (a render whose request carries `slot`) and streams its body bound to the owner.
pub async fn bind_response(slot: RenderOwner, response: impl Future<Output = Response>) -> Response {
    let response = Bound { slot: slot.clone(), inner: Box::pin(response) }.await;
    if slot.get().is_none() {
        return response;
    }
    let (parts, body) = response.into_parts();
    Response::from_parts(parts, Body::from_stream(Bound { slot, inner: Box::pin(body.into_data_stream()) }))
}
