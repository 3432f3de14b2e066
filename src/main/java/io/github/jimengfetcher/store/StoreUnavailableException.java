package io.github.jimengfetcher.store;

/**
 * The task store cannot be reached (the shared database is down or out of reach). Nothing was
 * changed; the work in flight stops and its leases lapse, to be taken up again once the store is back.
 */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
