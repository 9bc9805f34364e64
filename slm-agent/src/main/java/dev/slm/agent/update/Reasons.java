package dev.slm.agent.update;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A failure as a person reads it in the operation's history: what went wrong and on which file. Java's own messages
 * are sometimes a bare path (NoSuchFileException), or nothing at all (ConnectException); neither says what to fix.
 */
public final class Reasons {

    private Reasons() {
    }

    /**
     * {@code out}, whose write errors name {@code file}: Java's own, for a full disk, say only "No space left on
     * device", not which file system filled up.
     */
    public static OutputStream naming(OutputStream out, Path file) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    out.write(b, off, len);
                } catch (FileSystemException e) {
                    throw e;
                } catch (IOException e) {
                    throw new FileSystemException(file.toString(), null, e.getMessage());
                }
            }
        };
    }

    public static String of(IOException e) {
        String m = e.getMessage() == null || e.getMessage().isBlank() ? null : e.getMessage();
        if (e instanceof NoSuchFileException f) {
            return "no such file or directory: " + f.getFile();
        }
        if (e instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile() + " (the agent's user cannot write there)";
        }
        if (e instanceof FileAlreadyExistsException f) {
            return "already exists: " + f.getFile();
        }
        if (e instanceof DirectoryNotEmptyException f) {
            return "directory not empty: " + f.getFile();
        }
        if (e instanceof FileSystemException f) {
            return (f.getReason() == null ? "file system error" : f.getReason()) + ": " + f.getFile();
        }
        if (e instanceof ConnectException) {
            return "cannot connect to the server" + (m == null ? "" : " (" + m + ")");
        }
        if (e instanceof HttpTimeoutException) {
            // Java's own message says nothing more; the agent's (a server silent mid-answer) says what it waited for
            return m == null || m.equals("request timed out") ? "the server did not answer in time" : m;
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
