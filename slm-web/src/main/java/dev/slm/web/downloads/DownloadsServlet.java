package dev.slm.web.downloads;

import dev.slm.web.api.problem.Problem;
import jakarta.json.Json;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code GET /downloads/slm-agent.tar.gz}: the agent's distribution this server was built with, and
 * {@code /downloads/slm-agent.tar.gz.sha256} its SHA-256 in {@code sha256sum}'s format — what the Ansible role installs
 * a node from and checks it by. Open without a login: a node needs it before it has a token, and it holds no secret
 * (trust comes from the checksum over TLS and, for code, from the package signatures). Anything else under
 * {@code /downloads/} is a 404 problem.
 */
@WebServlet(urlPatterns = "/downloads/*")
public class DownloadsServlet extends HttpServlet {

    public static final String AGENT = "slm-agent.tar.gz";
    private static final String RESOURCE = "/WEB-INF/agent/" + AGENT;

    /** Hex SHA-256 and length of the distribution, computed once (2.7 MB read at the first request). */
    private volatile String sha256;
    private volatile long length;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        serve(request, response, true);
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        serve(request, response, false);
    }

    private void serve(HttpServletRequest request, HttpServletResponse response, boolean body) throws IOException {
        String path = request.getPathInfo();
        boolean archive = ("/" + AGENT).equals(path);
        boolean checksum = ("/" + AGENT + ".sha256").equals(path);
        if ((!archive && !checksum) || !digest()) {
            problem(response, archive || checksum ? "this server was built without the agent's distribution"
                    : "no such download; there are " + AGENT + " and " + AGENT + ".sha256");
            return;
        }
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("ETag", "\"" + sha256 + "\"");
        if (checksum) {
            byte[] line = (sha256 + "  " + AGENT + "\n").getBytes(StandardCharsets.US_ASCII);
            response.setContentType("text/plain; charset=us-ascii");
            response.setContentLength(line.length);
            if (body) {
                response.getOutputStream().write(line);
            }
            return;
        }
        response.setContentType("application/gzip");
        response.setHeader("Content-Disposition", "attachment; filename=\"" + AGENT + "\"");
        response.setContentLengthLong(length);
        if (body) {
            try (InputStream in = getServletContext().getResourceAsStream(RESOURCE);
                 OutputStream out = response.getOutputStream()) {
                in.transferTo(out);
            }
        }
    }

    /** @return false when the WAR holds no distribution */
    private boolean digest() throws IOException {
        if (sha256 != null) {
            return true;
        }
        try (InputStream resource = getServletContext().getResourceAsStream(RESOURCE)) {
            if (resource == null) {
                return false;
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long n;
            try (DigestInputStream in = new DigestInputStream(resource, sha)) {
                n = in.transferTo(OutputStream.nullOutputStream());
            }
            length = n;
            sha256 = HexFormat.of().formatHex(sha.digest());
            return true;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static void problem(HttpServletResponse response, String detail) throws IOException {
        byte[] json = Json.createObjectBuilder().add("type", "about:blank").add("title", "Not Found").add("status", 404)
                .add("detail", detail).build().toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(404);
        response.setContentType(Problem.MEDIA_TYPE);
        response.setContentLength(json.length);
        response.getOutputStream().write(json);
    }
}
