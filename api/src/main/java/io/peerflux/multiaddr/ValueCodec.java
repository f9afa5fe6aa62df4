package io.peerflux.multiaddr;

/**
 * Converts one protocol's value between its text and binary forms. Both directions validate, so a
 * value that passes one converts back without loss: {@code parse(format(b))} equals {@code b}.
 */
interface ValueCodec {

    /**
     * Converts the text form to bytes.
     *
     * @throws IllegalArgumentException saying why the text is not a valid value
     */
    byte[] parse(String text);

    /**
     * Converts the bytes to the canonical text form.
     *
     * @throws IllegalArgumentException saying why the bytes are not a valid value
     */
    String format(byte[] value);
}
