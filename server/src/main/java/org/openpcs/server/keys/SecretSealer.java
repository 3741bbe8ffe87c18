package org.openpcs.server.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets (access-key secrets, later cluster keys) with AES-256-GCM under a master key that
 * lives in a 0600 file outside the database, so a copy of the database alone reveals no secret.
 * Several server replicas sharing one PostgreSQL database must share the master key file.
 */
public final class SecretSealer implements org.openpcs.domain.SecretBox {
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  private SecretSealer(byte[] key) {
    this.key = new SecretKeySpec(key, "AES");
  }

  /** Loads the master key, creating it (0600) on first use. */
  public static SecretSealer open(Path masterKeyFile) {
    try {
      if (!Files.exists(masterKeyFile)) {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        Files.createDirectories(masterKeyFile.toAbsolutePath().getParent());
        Path tmp = masterKeyFile.resolveSibling(masterKeyFile.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(
            tmp,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, Base64.getEncoder().encode(fresh), StandardOpenOption.TRUNCATE_EXISTING);
        try {
          Files.move(tmp, masterKeyFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.FileAlreadyExistsException raced) {
          Files.deleteIfExists(tmp);
        }
      }
      byte[] key = Base64.getDecoder().decode(Files.readString(masterKeyFile).trim());
      if (key.length != 32) {
        throw new IllegalStateException(
            "master key file " + masterKeyFile + " is not a 256-bit key");
      }
      return new SecretSealer(key);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the master key " + masterKeyFile, e);
    }
  }

  @Override
  public String seal(String secret) {
    try {
      byte[] iv = new byte[IV_BYTES];
      random.nextBytes(iv);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      byte[] ct = c.doFinal(secret.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder()
          .encodeToString(ByteBuffer.allocate(iv.length + ct.length).put(iv).put(ct).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  @Override
  public String unseal(String sealed) {
    try {
      byte[] all = Base64.getDecoder().decode(sealed);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
      return new String(c.doFinal(all, IV_BYTES, all.length - IV_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("a sealed secret cannot be opened: wrong master key?", e);
    }
  }
}
