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
        JsonObject o;
        try (JsonReader r = Json.createReader(new java.io.InputStreamReader(
                new ByteArrayInputStream(signedBytes), StandardCharsets.UTF_8.newDecoder()))) {
            o = r.readObject();
        } catch (RuntimeException e) {
            throw new PackageVerifier.Rejected("the signed manifest is not a JSON object");
        }
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

    private static String string(JsonObject o, String key) throws PackageVerifier.Rejected {
        if (o.get(key) instanceof JsonString s) {
            return s.getString();
        }
        throw new PackageVerifier.Rejected("the signed manifest has no " + key);
    }

    private static long number(JsonObject o, String key) throws PackageVerifier.Rejected {
        if (o.get(key) instanceof JsonNumber n && n.isIntegral()) {
            try {
                return n.longValueExact();
            } catch (ArithmeticException e) {
                throw new PackageVerifier.Rejected("the signed manifest's " + key + " is out of range");
            }
        }
        throw new PackageVerifier.Rejected("the signed manifest has no whole number " + key);
    }
}
