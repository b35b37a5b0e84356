package dev.tierline.server.security;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The server's TLS context: from the configured PEM files, or a self-signed certificate in dev mode. */
public final class TlsContexts {
    private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);
    /** TLS 1.3 and 1.2 only; the JDK's defaults for cipher suites within them are the modern AEAD ones. */
    public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final Duration DEV_CERT_LIFETIME = Duration.ofDays(90);

    private TlsContexts() {
    }

    public static SslContext server(Path certFile, Path keyFile) throws IOException {
        try {
            return SslContextBuilder.forServer(certFile.toFile(), keyFile.toFile()).protocols(PROTOCOLS).build();
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("TLS certificate " + certFile + " or key " + keyFile + " cannot be used: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The development certificate in {@code dir} ({@code dev-cert.pem}, {@code dev-key.pem}), made
     * anew when missing or about to expire. Clients trust it by its file, never by turning checks off.
     */
    public static Path[] devCertificate(Path dir, String host) throws IOException {
        Path cert = dir.resolve("dev-cert.pem");
        Path key = dir.resolve("dev-key.pem");
        if (!Files.exists(cert) || !Files.exists(key) || expiresWithinADay(cert)) {
            generate(cert, key, host);
        }
        log.warn("DEV MODE: TLS with the self-signed certificate {} (SHA-256 {}); clients must trust that file",
                cert, fingerprint(cert));
        return new Path[] {cert, key};
    }

    private static boolean expiresWithinADay(Path cert) throws IOException {
        return read(cert).getNotAfter().toInstant().isBefore(Instant.now().plus(Duration.ofDays(1)));
    }

    private static X509Certificate read(Path cert) throws IOException {
        try (var in = Files.newInputStream(cert)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (GeneralSecurityException e) {
            throw new IOException("certificate " + cert + " is unreadable: " + e.getMessage(), e);
        }
    }

    private static String fingerprint(Path cert) throws IOException {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(read(cert).getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static void generate(Path cert, Path key, String host) throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256, new SecureRandom());
            KeyPair pair = generator.generateKeyPair();
            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=Tierline development server");
            List<GeneralName> names = new ArrayList<>(List.of(
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.iPAddress, "::1")));
            if (host != null && !host.isBlank() && !host.equals("0.0.0.0") && !host.equals("127.0.0.1")) {
                names.add(new GeneralName(isIpLiteral(host) ? GeneralName.iPAddress : GeneralName.dNSName, host));
            }
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(DEV_CERT_LIFETIME)), subject, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(names.toArray(GeneralName[]::new)));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            Files.createDirectories(cert.getParent());
            write(key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), true);
            write(cert, pem("CERTIFICATE", certificate.getEncoded()), false);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make a development TLS certificate: " + e.getMessage(), e);
        }
    }

    private static boolean isIpLiteral(String host) {
        return host.contains(":") || host.matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Through a temporary file and an atomic move; a private key is owner-only before it holds anything. */
    private static void write(Path file, String text, boolean ownerOnly) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        if (ownerOnly) {
            try {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // the data directory's ACLs apply
            }
        }
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
