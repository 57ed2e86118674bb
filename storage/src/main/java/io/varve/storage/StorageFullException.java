package io.varve.storage;

import java.io.IOException;

/**
 * The file system refused the space an append needed (a full disk, a quota), found before anything of the
 * append was written: the log is intact and takes writes again once space is freed.
 */
final class StorageFullException extends IOException {
    private static final long serialVersionUID = 1L;

    StorageFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
