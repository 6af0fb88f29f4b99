package io.greenshank.testing.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The proxy against a real echo server on loopback: each fault looks to a client as the real failure would. */
class FaultProxyTest {

    ServerSocket echo;
    ExecutorService threads = Executors.newCachedThreadPool();
    FaultProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    threads.execute(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException e) {
                            // client gone
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        proxy = FaultProxy.toLoopback(echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
        threads.shutdownNow();
    }

    String roundTrip(Socket s, String text) throws IOException {
        s.setSoTimeout(1_000);
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        byte[] back = s.getInputStream().readNBytes(text.length());
        return new String(back, StandardCharsets.US_ASCII);
    }

    /**
     * Whether the connection is gone: a reset, or an end of stream. The proxy closes with SO_LINGER 0 (a reset), but
     * when one of its pump threads is blocked on the socket at that instant the JDK defers the real close to that
     * thread, and the client may see the end of stream first; either way no byte crosses any more.
     */
    static boolean cut(Socket s) {
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false; // still open, only silent
        } catch (IOException e) {
            return true;
        }
    }

    Socket client() throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    }

    @Test
    void forwards_both_ways() throws IOException {
        try (Socket s = client()) {
            assertThat(roundTrip(s, "ping")).isEqualTo("ping");
        }
    }

    @Test
    void refuse_resets_open_connections_and_refuses_new_ones_until_restored() throws IOException {
        Socket open = client();
        assertThat(roundTrip(open, "a")).isEqualTo("a");
        proxy.refuse();
        assertThat(cut(open)).as("the open connection is cut").isTrue();
        assertThatThrownBy(this::client).isInstanceOf(ConnectException.class);
        proxy.restore();
        try (Socket s = client()) {
            assertThat(roundTrip(s, "again")).isEqualTo("again");
        }
    }

    @Test
    void black_hole_accepts_and_never_answers_then_restore_resets_what_it_held() throws IOException {
        proxy.blackHole();
        Socket held = client(); // the connect succeeds: only a timeout tells the client anything is wrong
        held.setSoTimeout(300);
        held.getOutputStream().write("lost".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> held.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        proxy.restore();
        held.setSoTimeout(1_000);
        assertThat(cut(held)).as("what the black hole held is cut on restore").isTrue();
        try (Socket s = client()) {
            assertThat(roundTrip(s, "back")).isEqualTo("back");
        }
    }

    @Test
    void black_hole_swallows_bytes_on_connections_opened_before_it() throws IOException {
        try (Socket s = client()) {
            assertThat(roundTrip(s, "1")).isEqualTo("1");
            proxy.blackHole();
            s.setSoTimeout(300);
            s.getOutputStream().write('2');
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void cut_all_resets_open_connections_and_keeps_forwarding_new_ones() throws IOException {
        Socket open = client();
        assertThat(roundTrip(open, "x")).isEqualTo("x");
        proxy.cutAll();
        assertThat(cut(open)).as("the open connection is cut").isTrue();
        try (Socket s = client()) {
            assertThat(roundTrip(s, "y")).isEqualTo("y");
        }
        assertThat(proxy.connectionsAccepted()).isEqualTo(2);
    }
}
