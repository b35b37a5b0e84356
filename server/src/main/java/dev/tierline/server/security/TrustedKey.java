package dev.tierline.server.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One public key an issuer signs with, and the one algorithm it may be used for: RSA keys verify
 * RS256, P-256 keys ES256, Ed25519 keys EdDSA. Binding the algorithm to the key type is what keeps
 * a token from choosing a weaker or mismatched algorithm for a key.
 *
 * @param kid the key id a token's header names, or the file it came from when it had none
 */
public record TrustedKey(String kid, Set<JWSAlgorithm> algorithms, JWSVerifier verifier) {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    private static final Set<JWSAlgorithm> EDDSA = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

    public boolean accepts(JWSAlgorithm algorithm, String tokenKid) {
        return algorithms.contains(algorithm) && (tokenKid == null || tokenKid.equals(kid));
    }

    /** Every public key of a JWKS file; private parts, if present, are ignored. */
    public static List<TrustedKey> fromJwks(Path file) throws IOException {
        JWKSet set;
        try {
            set = JWKSet.load(file.toFile());
        } catch (ParseException e) {
            throw new IOException("JWKS file " + file + " is not valid: " + e.getMessage(), e);
        }
        List<TrustedKey> keys = new ArrayList<>();
        for (JWK jwk : set.getKeys()) {
            keys.add(fromJwk(jwk, jwk.getKeyID() == null ? file.getFileName().toString() : jwk.getKeyID()));
        }
        if (keys.isEmpty()) {
            throw new IOException("JWKS file " + file + " holds no keys");
        }
        return keys;
    }

    /** Every {@code PUBLIC KEY} and {@code CERTIFICATE} block of a PEM file; the key id is the file name. */
    public static List<TrustedKey> fromPem(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String kid = file.getFileName().toString().replaceFirst("\\.(pem|crt|pub)$", "");
        List<TrustedKey> keys = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            try {
                PublicKey key = switch (m.group(1)) {
                    case "PUBLIC KEY" -> publicKey(der);
                    case "CERTIFICATE" -> ((X509Certificate) CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(der))).getPublicKey();
                    default -> throw new IOException("PEM file " + file + " holds a " + m.group(1)
                            + "; give the issuer's PUBLIC KEY or CERTIFICATE");
                };
                keys.add(fromPublicKey(key, keys.isEmpty() ? kid : kid + "#" + keys.size()));
            } catch (GeneralSecurityException e) {
                throw new IOException("PEM file " + file + " holds a key that cannot be read: " + e.getMessage(), e);
            }
        }
        if (keys.isEmpty()) {
            throw new IOException("PEM file " + file + " holds no PUBLIC KEY or CERTIFICATE block");
        }
        return keys;
    }

    public static TrustedKey fromJwk(JWK jwk, String kid) throws IOException {
        try {
            if (jwk instanceof RSAKey rsa) {
                return fromPublicKey(rsa.toRSAPublicKey(), kid);
            }
            if (jwk instanceof ECKey ec) {
                if (!Curve.P_256.equals(ec.getCurve())) {
                    throw new IOException("key " + kid + " is on curve " + ec.getCurve() + "; ES256 needs P-256");
                }
                return fromPublicKey(ec.toECPublicKey(), kid);
            }
            if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
                return fromPublicKey(ed25519(okp.getX().decode()), kid);
            }
        } catch (JOSEException | GeneralSecurityException e) {
            throw new IOException("key " + kid + " cannot be used: " + e.getMessage(), e);
        }
        throw new IOException("key " + kid + " is a " + jwk.getKeyType() + " key; RSA, EC P-256 and Ed25519 are accepted");
    }

    static TrustedKey fromPublicKey(PublicKey key, String kid) throws IOException {
        try {
            if (key instanceof RSAPublicKey rsa) {
                if (rsa.getModulus().bitLength() < 2048) {
                    throw new IOException("RSA key " + kid + " is shorter than 2048 bits");
                }
                return new TrustedKey(kid, Set.of(JWSAlgorithm.RS256), new RSASSAVerifier(rsa));
            }
            if (key instanceof ECPublicKey ec) {
                return new TrustedKey(kid, Set.of(JWSAlgorithm.ES256), new ECDSAVerifier(ec));
            }
            if ("Ed25519".equals(key.getAlgorithm()) || "EdDSA".equals(key.getAlgorithm())) {
                return new TrustedKey(kid, EDDSA, new Ed25519JcaVerifier(key));
            }
        } catch (JOSEException e) {
            throw new IOException("key " + kid + " cannot be used: " + e.getMessage(), e);
        }
        throw new IOException("key " + kid + " is a " + key.getAlgorithm() + " key; RSA, EC P-256 and Ed25519 are accepted");
    }

    private static PublicKey publicKey(byte[] spki) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(spki));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

    /** A raw 32-byte Ed25519 public key, wrapped in the fixed SubjectPublicKeyInfo header (RFC 8410). */
    static PublicKey ed25519(byte[] raw) throws GeneralSecurityException {
        if (raw.length != 32) {
            throw new GeneralSecurityException("an Ed25519 public key has 32 bytes, not " + raw.length);
        }
        byte[] prefix = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
        byte[] spki = new byte[prefix.length + raw.length];
        System.arraycopy(prefix, 0, spki, 0, prefix.length);
        System.arraycopy(raw, 0, spki, prefix.length, raw.length);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    }
}
