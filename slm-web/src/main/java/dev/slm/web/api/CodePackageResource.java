package dev.slm.web.api;

import dev.slm.packages.boundary.CodePackages;
import dev.slm.web.api.problem.Problem;
import dev.slm.web.api.security.AgentAuthenticated;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /api/nodes/{node_id}/code-package[?version=<commit>]}: the signed package for the node's agent,
 * with ETag / If-None-Match and a single byte range (to resume a broken download), under If-Range when given.
 */
@ApplicationScoped
@Path("nodes/{node_id}/code-package")
public class CodePackageResource {

    public static final String SHA256_HEADER = "X-SLM-SHA256";
    public static final String SIGNATURE_HEADER = "X-SLM-Signature";
    public static final String COMMIT_HEADER = "X-SLM-Commit";
    public static final String MANIFEST_HEADER = "X-SLM-Manifest";
    public static final String MANIFEST_SIGNATURE_HEADER = "X-SLM-Manifest-Signature";
    /** At most 18 digits (a long): a longer number is not a range of ours, and the header is ignored (RFC 9110). */
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d{0,18})-(\\d{0,18})");

    @Inject
    CodePackages packages;

    @GET
    @AgentAuthenticated
    public Response download(@PathParam("node_id") String nodeId, @QueryParam("version") String version,
                             @HeaderParam("If-None-Match") String ifNoneMatch, @HeaderParam("Range") String range,
                             @HeaderParam("If-Range") String ifRange)
            throws IOException {
        Optional<CodePackages.SignedPackage> found = packages.forCommit(Optional.ofNullable(version).filter(v -> !v.isBlank()));
        if (found.isEmpty()) {
            return Problem.response(Response.Status.NOT_FOUND, version == null
                    ? "there is no latest commit yet: the server has not fetched the repository"
                    : "no package for commit " + version + ": the server's mirror lacks the commit or its tracked path");
        }
        CodePackages.SignedPackage p = found.get();
        String etag = "\"" + p.sha256() + "\"";
        if (ifNoneMatch != null && (ifNoneMatch.contains(etag) || ifNoneMatch.trim().equals("*"))) {
            return headers(Response.notModified(), p, etag).build();
        }
        // If-Range (RFC 9110 13.1.5): the range holds only for the package the client named, compared strongly; a
        // date names nothing here (no Last-Modified is sent). Otherwise the whole package
        Optional<Span> span = span(ifRange == null || ifRange.trim().equals(etag) ? range : null, p.size());
        if (span.isEmpty()) {
            return Response.fromResponse(Problem.response(416, "Range Not Satisfiable",
                    "the package has " + p.size() + " bytes")).header("Content-Range", "bytes */" + p.size()).build();
        }
        Response.ResponseBuilder r = span.get().partial()
                ? Response.status(206).header("Content-Range", "bytes " + span.get().from() + "-" + span.get().to()
                        + "/" + p.size())
                : Response.ok();
        long start = span.get().from();
        long length = span.get().to() - start + 1;
        // large writes: FileChannel.transferTo into a stream moves 8 KB at a time, which halves the throughput
        StreamingOutput body = out -> {
            try (FileChannel ch = FileChannel.open(p.file())) {
                ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
                long sent = 0;
                while (sent < length) {
                    buffer.clear().limit((int) Math.min(buffer.capacity(), length - sent));
                    int n = ch.read(buffer, start + sent);
                    if (n < 0) {
                        throw new IOException("the cached package " + p.file() + " ended early");
                    }
                    out.write(buffer.array(), 0, n);
                    sent += n;
                }
            }
        };
        return headers(r.entity(body).type("application/gzip"), p, etag)
                .header("Content-Length", length)
                .header("Content-Disposition", "attachment; filename=\"" + p.commit() + ".tar.gz\"")
                .build();
    }

    /** The bytes {@code from}-{@code to} (inclusive) of the package; {@code partial} false: all of it (200). */
    record Span(long from, long to, boolean partial) {
    }

    /**
     * What a Range header asks of a package of {@code size} bytes: all of it when there is none or it is not a single
     * byte range of ours (ignored, as RFC 9110 allows); empty when it asks for nothing the package has (416).
     */
    static Optional<Span> span(String range, long size) {
        Matcher m = range == null ? null : RANGE.matcher(range.trim());
        if (m == null || !m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return Optional.of(new Span(0, size - 1, false));
        }
        long from;
        long to = size - 1;
        if (m.group(1).isEmpty()) {
            from = Math.max(0, size - Long.parseLong(m.group(2)));
        } else {
            from = Long.parseLong(m.group(1));
            to = m.group(2).isEmpty() ? to : Math.min(to, Long.parseLong(m.group(2)));
        }
        return from > to || from >= size ? Optional.empty() : Optional.of(new Span(from, to, true));
    }

    private static Response.ResponseBuilder headers(Response.ResponseBuilder r, CodePackages.SignedPackage p, String etag) {
        return r.header("ETag", etag)
                .header("Accept-Ranges", "bytes")
                .header(SHA256_HEADER, p.sha256())
                .header(SIGNATURE_HEADER, p.legacySignature())
                .header(MANIFEST_HEADER, p.manifest())
                .header(MANIFEST_SIGNATURE_HEADER, p.manifestSignature())
                .header(COMMIT_HEADER, p.commit())
                .header("Cache-Control", "private, max-age=31536000, immutable");
    }
}
