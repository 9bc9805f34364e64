package dev.slm.packages.control;

import java.nio.charset.StandardCharsets;

/**
 * What the server vouches for when it signs a package: which commit of which branch and subdirectory it is, and the
 * package's SHA-256 and size. The agent verifies the signature over {@link #canonicalBytes()} and refuses a package
 * whose manifest names another commit than the command's target: a package signed long ago cannot be replayed for a
 * newer target, which a signature over the digest alone allowed. The bytes are specified in {@code docs/packages.md};
 * change {@link #FORMAT} with them.
 *
 * @param path         the distributed subdirectory, without leading or trailing slashes ("" for the whole tree)
 * @param unpackedSize the bytes of the uncompressed tar stream, an upper bound of the space the release takes
 */
public record PackageManifest(String commit, String branch, String path, String sha256, long size,
                              long unpackedSize) {

    public static final int FORMAT = 1;

    /**
     * One JSON object on one line, UTF-8, no whitespace, the keys in this order:
     * {@code {"format":1,"commit":…,"branch":…,"path":…,"sha256":…,"size":…,"unpacked_size":…}}; strings escape
     * only {@code "}, {@code \} and the control characters U+0000–U+001F (as a {@code \\u00xx} escape, lower-case hex).
     */
    public byte[] canonicalBytes() {
        String json = "{\"format\":" + FORMAT
                + ",\"commit\":" + string(commit)
                + ",\"branch\":" + string(branch)
                + ",\"path\":" + string(path)
                + ",\"sha256\":" + string(sha256)
                + ",\"size\":" + size
                + ",\"unpacked_size\":" + unpackedSize + "}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    static String string(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
