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
//!
//! A second race of the same family: an isomorphic effect (leptos_i18n creates one for its language
//! cookie) runs on the server in a task of its own, and if that task first ran after the response was
//! finished, the render's signals were already disposed and it panicked (found by the crash test under
//! load). [`init_executor`] counts the tasks a render spawns until each has been polled once, and the
//! response body waits for that count to reach zero before it starts.

use any_spawner::{CustomExecutor, Executor, PinnedFuture, PinnedLocalFuture};
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use futures_util::{Stream, StreamExt};
use leptos::prelude::{Owner, provide_context, use_context};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

/// Where a request's render records its root owner, and the tasks it spawned that have not run yet.
#[derive(Clone, Default)]
pub struct RenderOwner {
    owner: Arc<Mutex<Option<Owner>>>,
    unstarted: Arc<Unstarted>,
}

/// Tasks spawned by a render that have not been polled yet.
#[derive(Default)]
struct Unstarted {
    count: AtomicUsize,
    started: tokio::sync::Notify,
}

impl RenderOwner {
    fn get(&self) -> Option<Owner> {
        self.owner.lock().map(|owner| owner.clone()).unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    /// Waits until every task the render spawned has run once.
    async fn tasks_started(&self) {
        loop {
            let started = self.unstarted.started.notified();
            if self.unstarted.count.load(Ordering::SeqCst) == 0 {
                return;
            }
            started.await;
        }
    }
}

/// Called inside a render, where the request's parts are in context: records the current owner in the
/// request's slot, if it has one, and lets the render's spawned tasks find it.
pub fn record() {
    let slot = use_context::<http::request::Parts>().and_then(|parts| parts.extensions.get::<RenderOwner>().cloned());
    if let Some(slot) = slot {
        *slot.owner.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Owner::current();
        provide_context(slot.unstarted.clone());
    }
}

/// Leptos's task executor, on tokio as Leptos's own, except that a task spawned inside a render is
/// counted until its first poll (see the module's documentation). Call before building the router:
/// the first executor set is the one used.
pub fn init_executor() {
    struct Counting;
    impl CustomExecutor for Counting {
        fn spawn(&self, task: PinnedFuture<()>) {
            match use_context::<Arc<Unstarted>>() {
                Some(unstarted) => {
                    unstarted.count.fetch_add(1, Ordering::SeqCst);
                    tokio::spawn(FirstPoll { unstarted: Some(unstarted), task });
                }
                None => {
                    tokio::spawn(task);
                }
            }
        }
        fn spawn_local(&self, task: PinnedLocalFuture<()>) {
            tokio::task::spawn_local(task);
        }
        fn poll_local(&self) {}
    }
    // Already set (a second router in the same process): the first one stays, which is this one.
    let _ = Executor::init_custom_executor(Counting);
}

/// A task that reports its first poll.
struct FirstPoll {
    unstarted: Option<Arc<Unstarted>>,
    task: PinnedFuture<()>,
}

impl Future for FirstPoll {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let polled = self.task.as_mut().poll(cx);
        if let Some(unstarted) = self.unstarted.take() {
            unstarted.count.fetch_sub(1, Ordering::SeqCst);
            unstarted.started.notify_waiters();
        }
        polled
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

/// Empties the slot when dropped. The owner's context holds the request's parts, whose extensions hold
/// the slot, which holds the owner: a cycle that kept every render's owner, arena and page alive (about
/// 15 KB a request, found by fuzzing `plain_form_multipart`: 2 GB after 122,000 inputs; a release server
/// grew 640 MB in 10 s of refused forms). The render is over once its body is done or dropped.
struct ClearOnDrop(RenderOwner);

impl Drop for ClearOnDrop {
    fn drop(&mut self) {
        self.0.owner.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
    }
}

/// Runs `response` (a render whose request carries `slot`) and streams its body bound to the owner.
pub async fn bind_response(slot: RenderOwner, response: impl Future<Output = Response>) -> Response {
    // Also when the handler's future is dropped before it finishes (the client went away).
    let clear = ClearOnDrop(slot.clone());
    let response = Bound { slot: slot.clone(), inner: Box::pin(response) }.await;
    if slot.get().is_none() {
        return response;
    }
    let (parts, body) = response.into_parts();
    // The render is built by now; its end disposes its signals, so its tasks run first.
    let waited = futures_util::stream::once({
        let slot = slot.clone();
        async move { slot.tasks_started().await }
    })
    .filter_map(|()| std::future::ready(None::<Result<axum::body::Bytes, axum::Error>>));
    let body = waited.chain(Bound { slot, inner: Box::pin(body.into_data_stream()) }).map(move |chunk| {
        // The body owns the guard, so the slot is emptied when the body ends or is dropped.
        let _ = &clear;
        chunk
    });
    Response::from_parts(parts, Body::from_stream(body))
}
