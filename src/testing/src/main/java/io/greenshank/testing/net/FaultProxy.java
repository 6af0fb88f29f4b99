package io.greenshank.testing.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy in front of a real peer (slapd, a KDC, an IdP, an API server stand-in) that a test can make
 * unreachable in the two ways networks fail, and heal again, without stopping the peer:
 * <ul>
 *   <li>{@link #refuse()}: the listening socket is closed, so new connections get {@code ECONNREFUSED} at once
 *       (the peer's process died or its Service has no endpoints); existing ones are cut (a reset; the end of stream when a pump thread held the socket at that instant);</li>
 *   <li>{@link #blackHole()}: new connections are accepted and never answered, bytes on existing ones are swallowed
 *       (a dropped route, a hung peer): only the client's own timeouts end the wait;</li>
 *   <li>{@link #cutAll()}: every open connection is reset, new ones still pass;</li>
 *   <li>{@link #restore()}: the same port forwards again; connections held by the black hole are reset, as a
 *       stateful firewall that forgot them would.</li>
 * </ul>
 * Hand-written because the usual tool (Toxiproxy) is a separate server binary, not installable here.
 */
public final class FaultProxy implements AutoCloseable {

    /** What the proxy does with traffic right now. */
    public enum Mode { FORWARD, REFUSE, BLACK_HOLE }

    private final InetSocketAddress target;
    private final int port;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final Object modeLock = new Object();
    private volatile Mode mode = Mode.FORWARD;
    private volatile ServerSocket listener;
    private volatile boolean closed;

    private FaultProxy(InetSocketAddress target) {
        this.target = target;
        this.listener = bind(0);
        this.port = listener.getLocalPort();
        acceptOn(listener);
    }

    /** Starts forwarding a free loopback port to {@code target}. */
    public static FaultProxy to(InetSocketAddress target) {
        return new FaultProxy(target);
    }

    /** Starts forwarding a free loopback port to {@code 127.0.0.1:targetPort}. */
    public static FaultProxy toLoopback(int targetPort) {
        return to(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
    }

    public int port() {
        return port;
    }

    public Mode mode() {
        return mode;
    }

    /** Connections accepted since start (including those the black hole held). */
    public long connectionsAccepted() {
        return accepted.get();
    }

    /** New connections are refused, open ones reset. */
    public void refuse() {
        synchronized (modeLock) {
            mode = Mode.REFUSE;
            closeQuietly(listener);
            cutAll();
        }
    }

    /** New connections are accepted and never answered; open ones stop carrying bytes either way. */
    public void blackHole() {
        synchronized (modeLock) {
            ensureListening();
            mode = Mode.BLACK_HOLE;
        }
    }

    /** Forwards again on the same port. */
    public void restore() {
        synchronized (modeLock) {
            Mode was = mode;
            ensureListening();
            mode = Mode.FORWARD;
            if (was == Mode.BLACK_HOLE) {
                cutAll();
            }
        }
    }

    /** Resets every open connection (both sides); new connections are handled by the current mode. */
    public void cutAll() {
        for (Socket s : open) {
            reset(s);
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        cutAll();
        threads.shutdownNow();
    }

    private void ensureListening() {
        if (listener.isClosed()) {
            listener = bind(port);
            acceptOn(listener);
        }
    }

    private static ServerSocket bind(int port) {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("fault proxy cannot listen on 127.0.0.1:" + port, e);
        }
    }

    private void acceptOn(ServerSocket server) {
        threads.execute(() -> {
            while (!closed && !server.isClosed()) {
                try {
                    Socket client = server.accept();
                    accepted.incrementAndGet();
                    open.add(client);
                    if (mode == Mode.REFUSE) {
                        reset(client); // accepted in the instant refuse() closed the listener
                    } else if (mode == Mode.BLACK_HOLE) {
                        threads.execute(() -> swallow(client));
                    } else {
                        threads.execute(() -> connect(client));
                    }
                } catch (IOException e) {
                    return; // listener closed by refuse() or close()
                }
            }
        });
    }

    private void connect(Socket client) {
        Socket upstream = new Socket();
        try {
            upstream.connect(target, 5_000);
            upstream.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
        } catch (IOException e) {
            reset(client);
            closeQuietly(upstream);
            return;
        }
        open.add(upstream);
        if (mode != Mode.FORWARD) { // the fault began while this connection was being made
            reset(upstream);
            if (mode == Mode.REFUSE) {
                reset(client);
            } else {
                swallow(client);
            }
            return;
        }
        threads.execute(() -> pump(client, upstream));
        pump(upstream, client);
    }

    /** Copies bytes one way; while the proxy is a black hole they are read and dropped. */
    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (mode == Mode.FORWARD) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            }
            to.shutdownOutput();
        } catch (IOException e) {
            reset(from);
            reset(to);
        }
    }

    private void swallow(Socket client) {
        byte[] buf = new byte[4096];
        try {
            InputStream in = client.getInputStream();
            while (in.read(buf) >= 0) {
                // a black hole answers nothing
            }
        } catch (IOException e) {
            // reset by restore() or by the client giving up
        } finally {
            reset(client);
        }
    }

    private void reset(Socket s) {
        open.remove(s);
        try {
            s.setSoLinger(true, 0); // RST, as a dead peer or a middlebox that dropped state would send
        } catch (SocketException e) {
            // already closed
        }
        closeQuietly(s);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // nothing to do: the point is that it is closed
        }
    }
}
