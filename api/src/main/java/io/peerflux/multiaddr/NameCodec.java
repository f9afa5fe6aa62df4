package io.peerflux.multiaddr;

/**
 * A UTF-8 name that is one path segment of the text form: DNS names, SNI host names and IPv6 zone
 * ids. It may not be empty or contain {@code '/'}. DNS names are not resolved or checked further.
 */
final class NameCodec implements ValueCodec {

    private final String what;

    NameCodec(String what) {
        this.what = what;
    }

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

    private void check(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty " + what);
        }
        if (text.indexOf('/') >= 0) {
            throw new IllegalArgumentException(what + " may not contain '/': \"" + text + "\"");
        }
    }
}
