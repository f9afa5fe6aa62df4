package io.peerflux.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Feeds a fuzz input to a decoder on an {@link EmbeddedChannel} the way a connection would: the first byte chooses
 * the read size (1 to 64 bytes), the rest is the bytes received. Checks the part of every decoder's contract that
 * is the same for all: what escapes is only the decoder's typed exception (possibly wrapped by Netty in a
 * {@link DecoderException}), nothing comes out after it, and every byte fed in is released.
 */
public final class FuzzFeed {

    /** What came out: the decoded messages in order, and the failure (or {@code null}). */
    public record Result(List<Object> messages, Throwable failure) {}

    private FuzzFeed() {}

    /** The read size the first byte of {@code input} chooses. */
    public static int readSize(byte[] input) {
        return input.length == 0 ? 1 : (input[0] & 0x3f) + 1;
    }

    /** {@code input} without its first byte (the read size). */
    public static byte[] data(byte[] input) {
        return input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
    }

    /**
     * Writes {@code input}'s data to {@code channel} in reads of {@link #readSize} until it is all written or the
     * channel closed, finishes the channel, hands what came out to {@code check}, then releases it all.
     *
     * @param typed the decoder's documented failure
     */
    public static void feed(EmbeddedChannel channel, byte[] input, Class<? extends Throwable> typed,
                            Consumer<Result> check) {
        byte[] data = data(input);
        int size = readSize(input);
        List<ByteBuf> fed = new ArrayList<>();
        List<Object> messages = new ArrayList<>();
        try {
            Throwable failure = null;
            int outAtFailure = -1;
            for (int at = 0; at < data.length && channel.isOpen(); at += size) {
                ByteBuf read = Unpooled.buffer(size);
                read.writeBytes(data, at, Math.min(size, data.length - at));
                fed.add(read);
                try {
                    channel.writeInbound(read);
                } catch (Throwable thrown) {
                    assertThat(failure).as("a second failure, after %s", failure).isNull();
                    failure = unwrap(thrown, typed);
                }
                drain(channel, messages);
                if (failure != null && outAtFailure < 0) {
                    outAtFailure = messages.size();
                }
            }
            try {
                channel.finish();
            } catch (Throwable thrown) {
                assertThat(failure).as("a second failure, after %s", failure).isNull();
                failure = unwrap(thrown, typed);
            }
            drain(channel, messages);
            if (outAtFailure >= 0) {
                assertThat(messages).as("decoded after the failure %s", failure).hasSize(outAtFailure);
            }
            check.accept(new Result(List.copyOf(messages), failure));
        } finally {
            messages.forEach(ReferenceCountUtil::release);
            channel.finishAndReleaseAll();
        }
        for (ByteBuf read : fed) {
            assertThat(read.refCnt()).as("a read the decoder did not release").isZero();
        }
    }

    private static void drain(EmbeddedChannel channel, List<Object> messages) {
        for (Object message; (message = channel.readInbound()) != null; ) {
            messages.add(message);
        }
    }

    private static Throwable unwrap(Throwable thrown, Class<? extends Throwable> typed) {
        Throwable cause = thrown instanceof DecoderException && thrown.getCause() != null ? thrown.getCause() : thrown;
        if (!typed.isInstance(cause)) {
            throw new AssertionError("the decoder failed with " + cause + ", not a " + typed.getSimpleName(), thrown);
        }
        return cause;
    }
}
