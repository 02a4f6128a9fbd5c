package dev.k3sautoscaler.testkit.http;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP server under each fake of an AWS or cluster API: 127.0.0.1 on a free port, requests on
 * daemon threads (a client's parallel calls are served in parallel, and a fake left open never
 * keeps a JVM alive).
 */
public final class LoopbackServer implements AutoCloseable {
    /**
     * The JDK server writes a response's headers and body apart and leaves Nagle's algorithm on, so
     * the body waits for the client's delayed ACK of the headers: 40 ms on Linux loopback. A
     * simulated day made ≈ 2,000 such waits on the EC2 fake's DescribeInstances alone, a quarter of
     * its wall time. AWS's endpoints answer without them. Read once, when the JDK's server
     * configuration loads, so every server is made through {@link #bind}.
     */
    static final String NO_DELAY = "sun.net.httpserver.nodelay";

    static {
        System.setProperty(NO_DELAY, "true");
    }

    private final HttpServer server;
    private final ExecutorService executor;

    private LoopbackServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** @param name the fake's name, for its threads and for the error when no port is free */
    public static LoopbackServer start(String name, String path, HttpHandler handler) {
        try {
            HttpServer server = bind();
            ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, name);
                thread.setDaemon(true);
                return thread;
            });
            server.setExecutor(executor);
            server.createContext(path, handler);
            server.start();
            return new LoopbackServer(server, executor);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + name + " on 127.0.0.1", e);
        }
    }

    /** An unstarted JDK server on 127.0.0.1 and a free port, its responses sent without Nagle's delay. */
    public static HttpServer bind() throws IOException {
        return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    }

    /** {@code http://127.0.0.1:port}, without a trailing slash. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
