package io.peerflux.kad.record;

import io.peerflux.peer.PeerId;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The validators of a DHT, by namespace: the text between the first two {@code /} of a record key,
 * as in go-libp2p-record's {@code NamespacedValidator}. A key must have the form
 * {@code /namespace/rest} with a non-empty namespace; keys of other forms or of namespaces without
 * a validator are invalid, so a node stores only records it can check.
 *
 * <p>Immutable: {@link #withNamespace} returns a copy.
 */
public final class Validators {

    private static final Validators DEFAULTS = new Validators(Map.of(
            PublicKeyValidator.NAMESPACE, new PublicKeyValidator(),
            IpnsValidator.NAMESPACE, new IpnsValidator()));

    private final Map<String, Validator> byNamespace;

    private Validators(Map<String, Validator> byNamespace) {
        this.byNamespace = byNamespace;
    }

    /**
     * Returns the validators of the public IPFS DHT: {@code pk} and {@code ipns}.
     *
     * @return the registry
     */
    public static Validators defaults() {
        return DEFAULTS;
    }

    /**
     * Returns a copy that validates {@code namespace} with {@code validator}, replacing any
     * validator it had.
     *
     * @param namespace a non-empty namespace without {@code /}
     * @param validator its validator, such as an {@link AcceptAnyValidator} for a private namespace
     * @return the new registry
     * @throws IllegalArgumentException if the namespace is empty or contains {@code /}
     */
    public Validators withNamespace(String namespace, Validator validator) {
        Objects.requireNonNull(validator, "validator");
        if (namespace.isEmpty() || namespace.indexOf('/') >= 0) {
            throw new IllegalArgumentException("a namespace is non-empty text without '/', got \"" + namespace + "\"");
        }
        Map<String, Validator> copy = new HashMap<>(byNamespace);
        copy.put(namespace, validator);
        return new Validators(Map.copyOf(copy));
    }

    /**
     * Returns the validator of the key's namespace.
     *
     * @param key a binary record key
     * @return its validator
     * @throws InvalidRecordException if the key is malformed or its namespace has no validator
     */
    public Validator forKey(byte[] key) throws InvalidRecordException {
        String namespace = namespace(key);
        Validator validator = byNamespace.get(namespace);
        if (validator == null) {
            throw new InvalidRecordException("no validator for namespace \"" + namespace + "\"; known: "
                    + byNamespace.keySet().stream().sorted().toList());
        }
        return validator;
    }

    /**
     * Returns the namespace of a record key.
     *
     * @param key a binary record key, {@code /namespace/rest}
     * @return the namespace, for example {@code ipns}
     * @throws InvalidRecordException if the key does not start with {@code /}, has no second
     *     {@code /}, has an empty namespace, or a namespace that is not UTF-8
     */
    public static String namespace(byte[] key) throws InvalidRecordException {
        int end = namespaceEnd(key);
        if (end < 0) {
            throw new InvalidRecordException("record key is not of the form /namespace/rest");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(key, 1, end - 1))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidRecordException("record key's namespace is not UTF-8", e);
        }
    }

    /**
     * Validates with the validator of the key's namespace.
     *
     * @see Validator#validate
     * @throws InvalidRecordException if the key has no validator or the value is invalid
     */
    public void validate(byte[] key, byte[] value, Instant now) throws InvalidRecordException {
        forKey(key).validate(key, value, now);
    }

    /**
     * Selects with the validator of the key's namespace.
     *
     * @see Validator#select
     * @throws InvalidRecordException if the key has no validator
     */
    public int select(byte[] key, List<byte[]> values) throws InvalidRecordException {
        return forKey(key).select(key, values);
    }

    /**
     * Returns the expiry the validator of the key's namespace gives.
     *
     * @see Validator#expiry
     * @throws InvalidRecordException if the key has no validator
     */
    public Instant expiry(byte[] key, byte[] value, Instant received) throws InvalidRecordException {
        return forKey(key).expiry(key, value, received);
    }

    /**
     * Reads a record key written as text, for the command line: {@code /namespace/rest}. For
     * {@code pk} and {@code ipns} the rest is a peer id in either text form (base58
     * {@code 12D3KooW...}/{@code Qm...} or a {@code libp2p-key} CID) and becomes its binary form,
     * as those namespaces key by binary id; in other namespaces the rest is taken as UTF-8 text.
     *
     * @param text for example {@code /ipns/12D3KooW...} or {@code /myapp/some-name}
     * @return the binary key
     * @throws IllegalArgumentException if the text is not of that form or the peer id does not parse
     */
    public static byte[] parseKey(String text) {
        int end = text.indexOf('/', 1);
        if (!text.startsWith("/") || end < 2) {
            throw new IllegalArgumentException("record key \"" + text + "\" is not of the form /namespace/rest");
        }
        String namespace = text.substring(1, end);
        String rest = text.substring(end + 1);
        byte[] restBytes;
        if (keysByPeerId(namespace)) {
            try {
                restBytes = PeerId.parse(rest).bytes();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("/" + namespace + "/ keys name a peer id: " + e.getMessage(), e);
            }
        } else {
            restBytes = rest.getBytes(StandardCharsets.UTF_8);
        }
        byte[] prefix = text.substring(0, end + 1).getBytes(StandardCharsets.UTF_8);
        byte[] key = Arrays.copyOf(prefix, prefix.length + restBytes.length);
        System.arraycopy(restBytes, 0, key, prefix.length, restBytes.length);
        return key;
    }

    /**
     * Writes a record key as text, the inverse of {@link #parseKey}: a {@code pk} or {@code ipns}
     * key with a valid peer id shows it in base58. Other keys are decoded as UTF-8, which is exact
     * for keys {@link #parseKey} makes and replaces bytes that are not UTF-8 with U+FFFD.
     *
     * @param key a binary record key, well formed or not
     * @return its text
     */
    public static String formatKey(byte[] key) {
        int end = namespaceEnd(key);
        if (end >= 0) {
            String namespace = new String(key, 1, end - 1, StandardCharsets.UTF_8);
            if (keysByPeerId(namespace)) {
                try {
                    return "/" + namespace + "/" + PeerId.fromBytes(Arrays.copyOfRange(key, end + 1, key.length));
                } catch (IllegalArgumentException notAPeerId) {
                    // shown as text below, like a key of any other namespace
                }
            }
        }
        return new String(key, StandardCharsets.UTF_8);
    }

    /**
     * Returns what follows {@code /namespace/} in the key.
     *
     * @throws InvalidRecordException if the key does not start with {@code /namespace/}
     */
    static byte[] rest(byte[] key, String namespace) throws InvalidRecordException {
        byte[] prefix = ("/" + namespace + "/").getBytes(StandardCharsets.UTF_8);
        if (key.length < prefix.length || !Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
            throw new InvalidRecordException("record key does not start with /" + namespace + "/");
        }
        return Arrays.copyOfRange(key, prefix.length, key.length);
    }

    /** Checks the precondition every {@link Validator#select} shares. */
    static void requireValues(List<byte[]> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("select needs at least one value");
        }
    }

    /** Returns the index of the {@code /} that ends a non-empty namespace, or -1. */
    private static int namespaceEnd(byte[] key) {
        if (key.length == 0 || key[0] != '/') {
            return -1;
        }
        for (int i = 1; i < key.length; i++) {
            if (key[i] == '/') {
                return i > 1 ? i : -1;
            }
        }
        return -1;
    }

    private static boolean keysByPeerId(String namespace) {
        return namespace.equals(PublicKeyValidator.NAMESPACE) || namespace.equals(IpnsValidator.NAMESPACE);
    }
}
