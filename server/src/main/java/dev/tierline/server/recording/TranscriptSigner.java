package dev.tierline.server.recording;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * The server's Ed25519 transcript-signing keys (Bouncy Castle), kept in the data directory
 * (owner-only files). The newest key signs; every key ever used stays, so transcripts sealed
 * before a rotation still verify.
 */
public final class TranscriptSigner {
    /** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 key bytes follow. */
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private final Path dir;
    private final Map<String, byte[]> publicKeys = new LinkedHashMap<>();
    private String activeId;
    private Ed25519PrivateKeyParameters active;

    private TranscriptSigner(Path dir) {
        this.dir = dir;
    }

    /** Loads the keys under {@code dataDir/keys/transcript}, generating the first one if there is none. */
    public static synchronized TranscriptSigner open(Path dataDir) throws IOException {
        TranscriptSigner signer = new TranscriptSigner(dataDir.resolve("keys").resolve("transcript"));
        Files.createDirectories(signer.dir);
        signer.load();
        if (signer.active == null) {
            signer.rotate();
        }
        return signer;
    }

    private void load() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path pub : files.filter(p -> p.toString().endsWith(".pub")).sorted().toList()) {
                String id = pub.getFileName().toString().replace(".pub", "");
                publicKeys.put(id, Base64.getDecoder().decode(Files.readString(pub).trim()));
            }
        }
        Path activeFile = dir.resolve("active");
        if (Files.exists(activeFile)) {
            activeId = Files.readString(activeFile).trim();
            byte[] seed = Base64.getDecoder().decode(Files.readString(dir.resolve(activeId + ".key")).trim());
            active = new Ed25519PrivateKeyParameters(seed, 0);
        }
    }

    /** Makes a new key the signing key; the old ones stay for verification. */
    public synchronized String rotate() throws IOException {
        Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(new SecureRandom());
        byte[] pub = key.generatePublicKey().getEncoded();
        String id = keyId(pub);
        Path secret = dir.resolve(id + ".key");
        Files.writeString(secret, "");
        ownerOnly(secret);
        Files.writeString(secret, Base64.getEncoder().encodeToString(key.getEncoded()));
        Files.writeString(dir.resolve(id + ".pub"), Base64.getEncoder().encodeToString(pub));
        Files.writeString(dir.resolve("active"), id);
        publicKeys.put(id, pub);
        activeId = id;
        active = key;
        return id;
    }

    private static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the data directory's ACLs apply
        }
    }

    public record Signature(String keyId, String value) {}

    public synchronized Signature sign(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, active);
        signer.update(message, 0, message.length);
        return new Signature(activeId, Base64.getEncoder().encodeToString(signer.generateSignature()));
    }

    /** Every public key by id, oldest first: the raw 32 bytes. */
    public synchronized Map<String, byte[]> publicKeys() {
        return Map.copyOf(publicKeys);
    }

    public synchronized String activeKeyId() {
        return activeId;
    }

    public static boolean verify(byte[] publicKey, byte[] message, String signatureBase64) {
        try {
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
            verifier.update(message, 0, message.length);
            return verifier.verifySignature(Base64.getDecoder().decode(signatureBase64));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A key id anyone can recompute from the public key: the first 8 bytes of its SHA-256, in hex. */
    public static String keyId(byte[] publicKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKey);
            return "ed25519-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String toPem(byte[] publicKey) {
        byte[] der = new byte[SPKI_PREFIX.length + publicKey.length];
        System.arraycopy(SPKI_PREFIX, 0, der, 0, SPKI_PREFIX.length);
        System.arraycopy(publicKey, 0, der, SPKI_PREFIX.length, publicKey.length);
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
    }

    /** Reads a public key given as PEM, or as the base64 of its 32 raw bytes. */
    public static byte[] parsePublicKey(String text) {
        String trimmed = text.trim();
        if (trimmed.startsWith("-----BEGIN PUBLIC KEY-----")) {
            String body = trimmed.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            byte[] der = Base64.getDecoder().decode(body);
            if (der.length != SPKI_PREFIX.length + 32) {
                throw new IllegalArgumentException("not an Ed25519 public key");
            }
            byte[] raw = new byte[32];
            System.arraycopy(der, SPKI_PREFIX.length, raw, 0, 32);
            return raw;
        }
        byte[] raw = Base64.getDecoder().decode(trimmed);
        if (raw.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key has 32 bytes, this has " + raw.length);
        }
        return raw;
    }
}
