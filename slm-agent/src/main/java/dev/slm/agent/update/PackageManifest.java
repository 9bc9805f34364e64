package dev.slm.agent.update;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/**
 * What the server vouched for by signing (docs/packages.md): which commit of which branch and path the package is,
 * its SHA-256 and size, and the space it takes unpacked. Parsed only from bytes whose signature verified.
 */
public record PackageManifest(String commit, String branch, String path, String sha256, long size,
                              long unpackedSize) {

    /** The format this agent understands; a newer one is refused, never half-understood. */
    public static final int FORMAT = 1;

    static PackageManifest parse(byte[] signedBytes) throws PackageVerifier.Rejected {
        JsonObject o = object(signedBytes, "the signed manifest");
        long format = number(o, "format");
        if (format != FORMAT) {
            throw new PackageVerifier.Rejected("the package manifest has format " + format + "; this agent reads format "
                    + FORMAT + ": update the agent");
        }
        PackageManifest m = new PackageManifest(string(o, "commit"), string(o, "branch"), string(o, "path"),
                string(o, "sha256"), number(o, "size"), number(o, "unpacked_size"));
        if (!Command.COMMIT_ID.matcher(m.commit()).matches() || !m.sha256().matches("[0-9a-f]{64}")
                || m.size() <= 0 || m.unpackedSize() <= 0) {
            throw new PackageVerifier.Rejected("the signed manifest's commit, sha256 or sizes are malformed");
        }
        return m;
    }

    /** Signed bytes as a JSON object (strict UTF-8); {@code what} names them in the reason. */
    static JsonObject object(byte[] signedBytes, String what) throws PackageVerifier.Rejected {
        try (JsonReader r = Json.createReader(new java.io.InputStreamReader(
                new ByteArrayInputStream(signedBytes), StandardCharsets.UTF_8.newDecoder()))) {
            return r.readObject();
        } catch (RuntimeException e) {
            throw new PackageVerifier.Rejected(what + " is not a JSON object");
        }
    }

    static String string(JsonObject o, String key) throws PackageVerifier.Rejected {
        if (o.get(key) instanceof JsonString s) {
            return s.getString();
        }
        throw new PackageVerifier.Rejected("the signed " + (o.containsKey("node_id") ? "command" : "manifest")
                + " has no " + key);
    }

    static long number(JsonObject o, String key) throws PackageVerifier.Rejected {
        String what = "the signed " + (o.containsKey("node_id") ? "command" : "manifest");
        if (o.get(key) instanceof JsonNumber n && n.isIntegral()) {
            try {
                return n.longValueExact();
            } catch (ArithmeticException e) {
                throw new PackageVerifier.Rejected(what + "'s " + key + " is out of range");
            }
        }
        throw new PackageVerifier.Rejected(what + " has no whole number " + key);
    }
}
