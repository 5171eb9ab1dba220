// The accept queue lbbench's own servers (the built-in proxy, and each replica, whose listen the cluster
// primary makes for its workers) ask for. Node's default is 511: at 10,000 connections the generator
// opens 500 per turn of its event loop, a busy server's queue overflowed (1,644 overflows in one run
// through the built-in proxy, `ListenOverflows` in /proc/net/netstat), and each dropped SYN came back
// only after TCP's 1 s, then 3 s, retransmission timeout, so the connections took seconds to open. HAProxy
// sizes its own backlog from maxconn for the same reason. The kernel caps the number at
// net.core.somaxconn (4,096 by default since Linux 5.4); a larger queue costs nothing until it is used.

export const LISTEN_BACKLOG = 65_535
