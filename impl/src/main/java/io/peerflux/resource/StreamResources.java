package io.peerflux.resource;

import io.peerflux.LimitExceededException;

/**
 * What one stream holds: itself, counted in the transient scope until {@link #setProtocol} and in its protocol's
 * afterwards, and the buffer memory its muxer reserved for it. Thread-safe; {@link #close} gives everything back.
 */
public interface StreamResources {

    /** Counts nothing and refuses nothing. */
    StreamResources NONE = new StreamResources() {
        @Override
        public void setProtocol(String protocol) {
        }

        @Override
        public LimitExceededException reserveMemory(long bytes) {
            return null;
        }

        @Override
        public void releaseMemory(long bytes) {
        }

        @Override
        public void close() {
        }
    };

    /**
     * Moves the stream from the transient scope to {@code protocol}'s, once negotiated.
     *
     * @throws LimitExceededException when the protocol has as many streams as allowed; the stream must be reset
     */
    void setProtocol(String protocol);

    /**
     * Reserves {@code bytes} more buffer memory for this stream in its connection's, peer's and the system scope.
     * Allocation-free on success, for use on the data path.
     *
     * @return {@code null} when reserved, else the refusal (nothing reserved, already logged)
     */
    LimitExceededException reserveMemory(long bytes);

    /** Gives back up to {@code bytes} of this stream's memory. */
    void releaseMemory(long bytes);

    /** Gives back the stream and all its memory. Idempotent. */
    void close();
}
