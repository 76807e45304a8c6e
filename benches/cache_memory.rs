//! The memory the namespace caches hold with 20,000 pods across 200
//! namespaces warm.
//!
//! Reads the 200 namespaces of 100 pods that `compliance_overview` sets up
//! (run it first with `AIGOV_BENCH_KEEP=1`), and measures two ways:
//! - **in this process:** a [`ClusterCache`] made with the portal's own
//!   identity, every kind the namespace views read started in every
//!   namespace and listed; the bytes live on the heap (counted by this
//!   binary's global allocator) and the resident memory (`VmRSS`) before
//!   and after, and so the cost of one pod;
//! - **in a real `aigov serve`:** carol opens the compliance and network
//!   pages of every namespace, which start the same caches; the portal's
//!   resident memory before and after.
//!
//! Needs the dev stack (`make stack`). Run with
//! `set -a; . .dev/env; set +a; cargo bench --features ssr --bench cache_memory`.

#[path = "../tests/support/mod.rs"]
mod support;

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use aigov::server::cluster_cache::ClusterCache;
use aigov::server::cluster_cache::kinds::CachedKind;
use aigov::server::cluster_cache::namespace_store::{NamespaceStore, WatchStatus};
use futures::{StreamExt, stream};
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{LimitRange, Namespace, Pod, ResourceQuota};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use kube::Api;
use kube::api::ListParams;
use support::running_portal::RunningPortal;

const NAMESPACES: usize = 200;
const PODS_PER_NAMESPACE: usize = 100;
const PREFIX: &str = "bench-ovw";

/// The system allocator, counting the bytes it has handed out and not yet
/// been given back.
struct CountingAllocator;

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn main() {
    common::on_tokio(run());
}

fn namespace(i: usize) -> String {
    format!("{PREFIX}-{i:03}")
}

async fn run() {
    let pods = PODS_PER_NAMESPACE * NAMESPACES;
    let (whole, kept) = pod_objects().await;
    let in_process = caches_in_this_process().await;
    let (before, after) = caches_in_a_running_portal().await;
    println!();
    println!("{NAMESPACES} namespaces, {pods} pods, every kind of the namespace views cached:");
    println!(
        "  the pods alone, as listed: {:.1} MiB ({:.0} bytes per pod) without managed fields, \
         {:.1} MiB ({:.0} bytes per pod) as the caches keep them",
        mib(whole),
        whole as f64 / pods as f64,
        mib(kept),
        kept as f64 / pods as f64
    );
    println!(
        "  in this process: heap {:.1} MiB, resident {:.1} MiB more; {:.0} heap bytes per pod \
         ({:.0} resident) [{:.1} s to fill]",
        mib(in_process.heap),
        mib(in_process.resident),
        in_process.heap as f64 / pods as f64,
        in_process.resident as f64 / pods as f64,
        in_process.fill.as_secs_f64()
    );
    println!(
        "  aigov serve: resident {:.1} MiB before, {:.1} MiB after every page ({:.0} bytes per pod)",
        mib(before),
        mib(after),
        (after - before) as f64 / pods as f64
    );
}

/// The heap bytes of every pod of the namespaces as listed, without their
/// managed fields; and after [`CachedKind::keep_what_views_read`].
async fn pod_objects() -> (isize, isize) {
    let portal = support::portal::portal_access().await;
    let start = LIVE_BYTES.load(Ordering::Relaxed);
    let mut pods: Vec<Pod> = Vec::new();
    for i in 0..NAMESPACES {
        let api = Api::<Pod>::namespaced(portal.portal().clone(), &namespace(i));
        let list = api.list(&ListParams::default()).await.unwrap();
        pods.extend(list.items.into_iter().map(|mut pod| {
            pod.metadata.managed_fields = None;
            pod
        }));
    }
    pods.shrink_to_fit();
    let whole = LIVE_BYTES.load(Ordering::Relaxed) - start;
    pods.iter_mut().for_each(CachedKind::keep_what_views_read);
    let kept = LIVE_BYTES.load(Ordering::Relaxed) - start;
    assert_eq!(pods.len(), NAMESPACES * PODS_PER_NAMESPACE);
    (whole, kept)
}

/// What filling a cache cost this process.
struct Filled {
    heap: isize,
    resident: isize,
    fill: Duration,
}

async fn caches_in_this_process() -> Filled {
    let portal = support::portal::portal_access().await;
    let cache = ClusterCache::new(portal.portal().clone());
    let (heap, resident) = (LIVE_BYTES.load(Ordering::Relaxed), resident_bytes("self"));
    let start = Instant::now();
    let stores: Vec<_> = (0..NAMESPACES)
        .map(|i| cache.namespace(&namespace(i)))
        .collect();
    stream::iter(stores.iter())
        .for_each_concurrent(8, |store| fill(store))
        .await;
    let fill = start.elapsed();
    let cached: usize = stores.iter().map(|s| s.kind::<Pod>().objects().len()).sum();
    assert_eq!(
        cached,
        NAMESPACES * PODS_PER_NAMESPACE,
        "run `compliance_overview` with AIGOV_BENCH_KEEP=1 first"
    );
    Filled {
        heap: LIVE_BYTES.load(Ordering::Relaxed) - heap,
        resident: resident_bytes("self") - resident,
        fill,
    }
}

/// Starts and waits for every kind the namespace views read.
async fn fill(store: &NamespaceStore) {
    async fn ready<K: CachedKind>(store: &NamespaceStore) {
        let status = store.kind::<K>().settled(Duration::from_secs(120)).await;
        assert_eq!(
            status,
            WatchStatus::Ready,
            "{} in {}",
            K::RESOURCE,
            store.name()
        );
    }
    futures::join!(
        ready::<Pod>(store),
        ready::<ReplicaSet>(store),
        ready::<Deployment>(store),
        ready::<StatefulSet>(store),
        ready::<DaemonSet>(store),
        ready::<Job>(store),
        ready::<CronJob>(store),
        ready::<NetworkPolicy>(store),
        ready::<LimitRange>(store),
        ready::<ResourceQuota>(store),
        ready::<Namespace>(store),
    );
}

/// The resident memory of a real portal before and after carol opens the
/// compliance and network pages of every namespace.
async fn caches_in_a_running_portal() -> (isize, isize) {
    let running = RunningPortal::start_with_env(&[("AIGOV_REPORT_INTERVAL", "0")]).await;
    let carol = running.signed_in("carol").await;
    let pid = running.pid().to_string();
    let before = resident_bytes(&pid);
    stream::iter(0..NAMESPACES)
        .for_each_concurrent(4, |i| {
            let (carol, url) = (&carol, &running.url);
            async move {
                for view in ["compliance", "network"] {
                    let page = format!("{url}/namespaces/{}/{view}", namespace(i));
                    let response = carol.get(&page).send().await.expect("the portal answers");
                    assert_eq!(response.status(), 200, "{page}");
                    let body = response.text().await.unwrap();
                    assert!(body.contains("app-9"), "{page} shows the pods' workloads");
                }
            }
        })
        .await;
    // Let the allocator settle what the page views used and gave back.
    tokio::time::sleep(Duration::from_secs(2)).await;
    (before, resident_bytes(&pid))
}

/// `VmRSS` of `/proc/{process}/status`, in bytes.
fn resident_bytes(process: &str) -> isize {
    let status = std::fs::read_to_string(format!("/proc/{process}/status")).unwrap();
    let line = status
        .lines()
        .find(|line| line.starts_with("VmRSS:"))
        .expect("VmRSS");
    let kib: isize = line
        .split_whitespace()
        .nth(1)
        .and_then(|kib| kib.parse().ok())
        .expect("VmRSS in kB");
    kib * 1024
}

fn mib(bytes: isize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
