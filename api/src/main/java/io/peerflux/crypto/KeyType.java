package io.peerflux.crypto;

public enum KeyType { RSA, ED25519, SECP256K1, ECDSA }
