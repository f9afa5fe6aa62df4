package io.peerflux.multiaddr;

/** PLACEHOLDER (text only) until the multiformats branch lands. */
public final class Multiaddr {
    private final String text;
    private Multiaddr(String text) { this.text = text; }
    public static Multiaddr of(String text) { return new Multiaddr(text); }
    @Override public String toString() { return text; }
    @Override public boolean equals(Object o) { return o instanceof Multiaddr m && text.equals(m.text); }
    @Override public int hashCode() { return text.hashCode(); }
}
