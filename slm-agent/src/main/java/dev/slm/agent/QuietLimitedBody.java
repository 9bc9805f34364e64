package dev.slm.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body whose reads give up when the server stays silent too long, or when the whole answer is not there
 * by a deadline. HttpClient's request timeout ends with the response headers: a server that then stops sending, or a
 * connection dropped on the way without a reset, would block a read for ever — and with it the heartbeat thread
 * (the node goes silent for good) or the update worker (every later command waits behind it). Interrupting a read
 * of {@code BodyHandlers.ofInputStream()} does not end it on Java 17, hence this subscriber of its own.
 */
final class QuietLimitedBody extends InputStream implements HttpResponse.BodySubscriber<InputStream> {

    private static final Object END = new Object();

    private final BlockingQueue<Object> arrived = new LinkedBlockingQueue<>();
    private final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
    private final long silenceNanos;
    private final boolean limited;
    private final long deadline;
    private Iterator<ByteBuffer> buffers = Collections.emptyIterator();
    private ByteBuffer current = ByteBuffer.allocate(0);
    private volatile boolean closed;

    /**
     * @param silence how long the server may send nothing in the middle of the body
     * @param total   how long the whole body may take from now, or null for no limit (a download)
     */
    static HttpResponse.BodyHandler<InputStream> handler(Duration silence, Duration total) {
        return info -> new QuietLimitedBody(silence, total);
    }

    private QuietLimitedBody(Duration silence, Duration total) {
        this.silenceNanos = silence.toNanos();
        // nanoTime may be negative: a deadline is compared only when there is one, never as Long.MAX_VALUE - now
        this.limited = total != null;
        this.deadline = limited ? System.nanoTime() + total.toNanos() : 0;
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return CompletableFuture.completedStage(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription.complete(s);
        if (closed) {
            s.cancel();
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        arrived.add(item);
    }

    @Override
    public void onError(Throwable t) {
        arrived.add(t);
    }

    @Override
    public void onComplete() {
        arrived.add(END);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    @SuppressWarnings("unchecked")
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!current.hasRemaining()) {
            if (buffers.hasNext()) {
                current = buffers.next();
                continue;
            }
            if (closed) {
                return -1;
            }
            long wait = limited ? Math.min(silenceNanos, deadline - System.nanoTime()) : silenceNanos;
            Object next;
            try {
                next = wait <= 0 ? null : arrived.poll(wait, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new InterruptedIOException("interrupted while reading the server's answer");
            }
            if (next == null) {
                close();
                throw new HttpTimeoutException(limited && System.nanoTime() - deadline >= 0
                        ? "the server's answer did not arrive whole in time"
                        : "the server sent nothing for " + TimeUnit.NANOSECONDS.toSeconds(silenceNanos)
                        + " s in the middle of its answer");
            }
            if (next == END) {
                closed = true;
                return -1;
            }
            if (next instanceof Throwable t) {
                close();
                throw t instanceof IOException io ? io : new IOException(t.getMessage(), t);
            }
            buffers = ((List<ByteBuffer>) next).iterator();
            subscription.join().request(1);
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }

    /** Gives the connection up: the rest of the body is not wanted. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Flow.Subscription s = subscription.getNow(null);
            if (s != null) {
                s.cancel();
            }
        }
    }
}
