package dev.slm.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for the requests {@code HttpClient} will not send: chunked bodies of our own making,
 * malformed escapes in the path, odd methods and headers, a body announced but never sent.
 */
public final class RawHttp {

    private final String host;
    private final int port;

    public RawHttp(URI base) {
        this.host = base.getHost();
        this.port = base.getPort();
    }

    public record Response(int status, Map<String, String> headers, String body) {
        public String contentType() {
            return headers.getOrDefault("content-type", "");
        }

        @Override
        public String toString() {
            return status + " " + contentType() + " " + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
        }
    }

    /** Sends {@code head} (request line and headers, without the blank line) and the body as it is; reads one answer. */
    public Response send(String head, byte[] body) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write((head + "\r\nHost: " + host + ":" + port + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            // the body goes out on a thread of its own: a server that answers (413) without reading it must not
            // leave this test blocked in a write
            Thread writer = new Thread(() -> {
                try {
                    if (body != null) {
                        out.write(body);
                        out.flush();
                    }
                } catch (IOException e) {
                    // the server answered and closed before the whole body was sent: its answer is read below
                }
            });
            writer.setDaemon(true);
            writer.start();
            return read(socket.getInputStream());
        }
    }

    /** The answers read from one connection, and whether the server closed it after them. */
    public record Answers(java.util.List<Response> responses, boolean closed) {
    }

    /**
     * Sends {@code head} (without the blank line) and the body on a connection kept alive, and reads every answer until
     * the server closes it, or until 5 s pass without a byte (then {@code closed} is false).
     */
    public Answers sendKeptAlive(String head, byte[] body) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write((head + "\r\nHost: " + host + ":" + port + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            java.util.List<Response> answers = new java.util.ArrayList<>();
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            try {
                for (in.mark(1); in.read() >= 0; in.mark(1)) {
                    in.reset();
                    answers.add(read(in));
                }
            } catch (java.net.SocketTimeoutException e) {
                return new Answers(answers, false);
            }
            return new Answers(answers, true);
        }
    }

    /** Sends the request line, the headers and the body's first bytes only: the rest of the body never comes. */
    public Response sendAndStall(String head, String bodyStart) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write((head + "\r\nHost: " + host + ":" + port + "\r\n\r\n" + bodyStart)
                    .getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return read(socket.getInputStream());
        }
    }

    /**
     * Sends the request line, the headers and the body's first bytes, then closes the connection: the rest of the body
     * never comes, and the server's answer finds nobody. (Grizzly takes a half-closed connection for a closed one and
     * answers nothing either.)
     */
    public void sendAndLeave(String head, String bodyStart) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.getOutputStream().write((head + "\r\nHost: " + host + ":" + port + "\r\n\r\n" + bodyStart)
                    .getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
        }
    }

    /** A body in chunks of {@code chunk} bytes, with the terminating chunk. */
    public static byte[] chunked(byte[] body, int chunk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < body.length; i += chunk) {
            int n = Math.min(chunk, body.length - i);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, i, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    private static Response read(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new IOException("the server closed the connection without an answer");
        }
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.merge(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
            for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16); size > 0;
                 size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                body.write(in.readNBytes(size));
                line(in);
            }
        } else if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else if (status != 204 && status != 304) {
            body.write(in.readAllBytes());
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
