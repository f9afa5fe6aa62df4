package io.peerflux.kad.record;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.nio.charset.StandardCharsets;

/** TEMPORARY stand-in until the validators branch lands. */
public final class Validators {
    private final Map<String, Validator> byNs;
    private Validators(Map<String, Validator> m) { byNs = m; }
    public static Validators defaults() { return new Validators(Map.of()); }
    public Validators withNamespace(String ns, Validator v) { Map<String, Validator> m = new HashMap<>(byNs); m.put(ns, v); return new Validators(Map.copyOf(m)); }
    public static String namespace(byte[] key) {
        String s = new String(key, StandardCharsets.ISO_8859_1);
        if (!s.startsWith("/")) return null;
        int e = s.indexOf('/', 1);
        return e < 0 ? null : s.substring(1, e);
    }
    public Validator forKey(byte[] key) throws InvalidRecordException {
        String ns = namespace(key);
        Validator v = ns == null ? null : byNs.get(ns);
        if (v == null) throw new InvalidRecordException("no validator for " + ns);
        return v;
    }
    public void validate(byte[] key, byte[] value, Instant now) throws InvalidRecordException { forKey(key).validate(key, value, now); }
    public int select(byte[] key, List<byte[]> values) throws InvalidRecordException { return forKey(key).select(key, values); }
    public Instant expiry(byte[] key, byte[] value, Instant received) throws InvalidRecordException { return forKey(key).expiry(key, value, received); }
    public static byte[] parseKey(String text) { return text.getBytes(StandardCharsets.UTF_8); }
    public static String formatKey(byte[] key) { return new String(key, StandardCharsets.UTF_8); }
}
