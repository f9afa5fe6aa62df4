package io.peerflux.multiaddr;

/**
 * A file system path that takes the rest of the text form ({@code /unix/tmp/p2p.sock} has the value
 * {@code /tmp/p2p.sock}). The value starts with {@code '/'} and, because trailing slashes of a
 * multiaddr are dropped when parsing, does not end with one.
 */
final class PathCodec implements ValueCodec {

    @Override
    public byte[] parse(String text) {
        check(text);
        return Utf8.encode(text);
    }

    @Override
    public String format(byte[] value) {
        String text = Utf8.decode(value);
        check(text);
        return text;
    }

    private static void check(String path) {
        if (!path.startsWith("/") || path.length() < 2 || path.endsWith("/")) {
            throw new IllegalArgumentException("path must start with '/', be non-empty and not end with '/': \"" + path + "\"");
        }
    }
}
