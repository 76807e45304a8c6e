//! A TCP relay between the portal and the apiserver that a test can cut,
//! freeze and restore, so the portal meets a cluster that is unreachable
//! for a while (connections refused and open ones dropped, as in a network
//! outage) or one that hangs (connections accepted and held, nothing
//! answered, as with an apiserver stopped by SIGSTOP).

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// What the relay does with traffic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Forwards both ways.
    Open,
    /// Drops open connections and refuses new ones.
    Cut,
    /// Holds every connection open and forwards nothing.
    Frozen,
}

/// The relay; dropped, it stops accepting and lets go of every connection.
pub struct Relay {
    pub address: std::net::SocketAddr,
    mode: watch::Sender<Mode>,
    task: tokio::task::JoinHandle<()>,
}

impl Relay {
    /// Relays 127.0.0.1:<free port> to `upstream`.
    pub async fn start(upstream: std::net::SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (mode, _) = watch::channel(Mode::Open);
        let task = {
            let mode = mode.clone();
            tokio::spawn(async move {
                while let Ok((inbound, _)) = listener.accept().await {
                    let watching = mode.subscribe();
                    let now = *watching.borrow();
                    match now {
                        Mode::Cut => continue,
                        Mode::Frozen => {
                            tokio::spawn(hold(inbound, None, watching));
                        }
                        Mode::Open => {
                            tokio::spawn(relay(inbound, upstream, watching));
                        }
                    }
                }
            })
        };
        Self {
            address,
            mode,
            task,
        }
    }

    /// The cluster becomes unreachable: open connections drop, new ones are refused.
    pub fn cut(&self) {
        self.mode.send_replace(Mode::Cut);
    }

    /// The cluster hangs: connections are accepted (and open ones kept),
    /// but nothing is forwarded either way, so no call is ever answered.
    pub fn freeze(&self) {
        self.mode.send_replace(Mode::Frozen);
    }

    /// The cluster is reachable again (connections held while frozen stay
    /// silent; new ones are forwarded).
    pub fn restore(&self) {
        self.mode.send_replace(Mode::Open);
    }
}

/// Forwards `inbound` to `upstream` until the relay is cut (the connection
/// drops) or frozen (it is held, silent).
async fn relay(
    mut inbound: TcpStream,
    upstream: std::net::SocketAddr,
    mut mode: watch::Receiver<Mode>,
) {
    let Ok(mut outbound) = TcpStream::connect(upstream).await else {
        return;
    };
    let changed = async {
        loop {
            if mode.changed().await.is_err() {
                return Mode::Cut;
            }
            let now = *mode.borrow_and_update();
            if now != Mode::Open {
                return now;
            }
        }
    };
    let next = tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => return,
        next = changed => next,
    };
    if next == Mode::Frozen {
        hold(inbound, Some(outbound), mode).await;
    }
}

/// Keeps the connection open, reading and writing nothing, until the relay
/// is cut or dropped.
async fn hold(inbound: TcpStream, outbound: Option<TcpStream>, mut mode: watch::Receiver<Mode>) {
    loop {
        if mode.changed().await.is_err() || *mode.borrow_and_update() == Mode::Cut {
            break;
        }
    }
    drop((inbound, outbound));
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
        // Held and forwarded connections end with the sender.
        self.mode.send_replace(Mode::Cut);
    }
}
