package dev.slm.it.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/** A script's view of {@code /ws/events}: the messages it received, and a wait for the first that matches. */
public final class LiveSocket implements AutoCloseable {

    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<Waiter> waiting = new CopyOnWriteArrayList<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private final CompletableFuture<Void> pong = new CompletableFuture<>();
    private final WebSocket socket;

    private record Waiter(Predicate<String> wanted, CompletableFuture<String> heard) {
    }

    private LiveSocket(TestServer server, String authorization) throws Exception {
        socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", authorization)
                .buildAsync(URI.create("ws://127.0.0.1:" + server.server.baseUri().getPort() + "/ws/events"),
                        new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                                String text = data.toString();
                                received.add(text);
                                waiting.stream().filter(x -> x.wanted().test(text)).forEach(x -> x.heard().complete(text));
                                w.request(1);
                                return null;
                            }

                            @Override
                            public CompletionStage<?> onPong(WebSocket w, ByteBuffer message) {
                                pong.complete(null);
                                w.request(1);
                                return null;
                            }

                            @Override
                            public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                                closed.complete(code + " " + reason);
                                return null;
                            }
                        }).get(20, TimeUnit.SECONDS);
        // the handshake's answer reaches us before the server's @OnOpen has subscribed the socket (SyncIT missed an
        // event that way); the server reads our frames only after @OnOpen, so its pong says we are subscribed
        socket.sendPing(ByteBuffer.wrap(new byte[] {1}));
        pong.get(20, TimeUnit.SECONDS);
    }

    /** Opens {@code /ws/events} as the server's admin. */
    public static LiveSocket open(TestServer server) throws Exception {
        return new LiveSocket(server, server.admin);
    }

    /** Starts listening for the first message that matches; call before the action that should cause it. */
    public CompletableFuture<String> next(Predicate<String> wanted) {
        CompletableFuture<String> heard = new CompletableFuture<>();
        waiting.add(new Waiter(wanted, heard));
        return heard;
    }

    /** The message heard, or an AssertionError listing every message received (and a close, if any). */
    public String await(CompletableFuture<String> heard, Duration timeout) throws Exception {
        try {
            return heard.get(timeout.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("not heard on /ws/events within " + timeout.toSeconds() + " s; received: "
                    + received + (closed.isDone() ? "; closed " + closed.getNow("") : ""), e);
        }
    }

    @Override
    public void close() {
        socket.abort();
    }
}
