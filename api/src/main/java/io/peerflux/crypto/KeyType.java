package io.peerflux.crypto;

/**
 * The key algorithms of the peer-ids spec, numbered as in its {@code KeyType} protobuf enum.
 */
public enum KeyType {
    RSA(0),
    ED25519(1),
    SECP256K1(2),
    ECDSA(3);

    private final int protobufNumber;

    KeyType(int protobufNumber) {
        this.protobufNumber = protobufNumber;
    }

    /**
     * Returns the value this type has in the {@code KeyType} protobuf enum.
     *
     * @return 0 to 3
     */
    public int protobufNumber() {
        return protobufNumber;
    }

    /**
     * Returns the type with the given {@code KeyType} protobuf enum value.
     *
     * @param number a protobuf enum value
     * @return the key type
     * @throws IllegalArgumentException if no key type has that number
     */
    public static KeyType fromProtobufNumber(int number) {
        for (KeyType type : values()) {
            if (type.protobufNumber == number) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown key type " + number);
    }
}
