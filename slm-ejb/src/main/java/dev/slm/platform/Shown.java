package dev.slm.platform;

/** A value from a request as a message may show it: cut to a length, control characters as '?', null as "". */
public final class Shown {

    private Shown() {
    }

    public static String printable(String s, int max) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > max ? s.substring(0, max) + "…" : s;
        return cut.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}
