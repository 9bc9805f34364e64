package dev.slm.platform;

import java.util.regex.Pattern;

/** Removes credentials embedded in URLs ({@code https://user:token@host/...}) before they reach a log or the API. */
public final class RedactedUrl {

    private static final Pattern USERINFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/@\\s]+@");

    private RedactedUrl() {
    }

    public static String of(String url) {
        return scrub(url);
    }

    public static String scrub(String text) {
        return text == null ? null : USERINFO.matcher(text).replaceAll("$1***@");
    }
}
