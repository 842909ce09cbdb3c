package io.github.elasticachesecure.testkit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * Independent SigV4 query-string presigning (AWS "Authenticating Requests: Using Query
 * Parameters"), written from the specification with {@code javax.crypto} only, to check
 * the SDK-based generator.
 */
public final class SigV4Reference {

	static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
		.withZone(ZoneOffset.UTC);

	static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

	private SigV4Reference() {
	}

	/**
	 * The full set of query parameters (decoded) the presigned URL must carry, signature
	 * included.
	 */
	public static Map<String, String> presignedParameters(String host, Map<String, String> requestParameters,
			String region, String service, Instant time, String accessKeyId, String secretKey,
			@Nullable String sessionToken, int expiresSeconds) {
		String date = DATE.format(time);
		String scope = date + "/" + region + "/" + service + "/aws4_request";
		Map<String, String> parameters = new TreeMap<>(requestParameters);
		parameters.put("X-Amz-Algorithm", "AWS4-HMAC-SHA256");
		parameters.put("X-Amz-Credential", accessKeyId + "/" + scope);
		parameters.put("X-Amz-Date", AMZ_DATE.format(time));
		parameters.put("X-Amz-Expires", Integer.toString(expiresSeconds));
		parameters.put("X-Amz-SignedHeaders", "host");
		if (sessionToken != null) {
			parameters.put("X-Amz-Security-Token", sessionToken);
		}
		String canonicalQuery = parameters.entrySet()
			.stream()
			.map((entry) -> new String[] { uriEncode(entry.getKey()), uriEncode(entry.getValue()) })
			.sorted((a, b) -> (a[0].equals(b[0])) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]))
			.map((pair) -> pair[0] + "=" + pair[1])
			.collect(Collectors.joining("&"));
		String canonicalRequest = "GET\n/\n" + canonicalQuery + "\nhost:" + host + "\n\nhost\n" + hex(sha256(""));
		String stringToSign = "AWS4-HMAC-SHA256\n" + AMZ_DATE.format(time) + "\n" + scope + "\n"
				+ hex(sha256(canonicalRequest));
		byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), date);
		key = hmac(key, region);
		key = hmac(key, service);
		key = hmac(key, "aws4_request");
		parameters.put("X-Amz-Signature", hex(hmac(key, stringToSign)));
		return parameters;
	}

	/**
	 * RFC 3986 encoding as SigV4 wants it: everything but unreserved characters,
	 * upper-case hex.
	 */
	public static String uriEncode(String value) {
		StringBuilder encoded = new StringBuilder();
		for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
			char c = (char) (b & 0xFF);
			if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
					|| c == '.' || c == '~') {
				encoded.append(c);
			}
			else {
				encoded.append('%').append(String.format("%02X", b & 0xFF));
			}
		}
		return encoded.toString();
	}

	static byte[] sha256(String value) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	static byte[] hmac(byte[] key, String data) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String hex(byte[] bytes) {
		return HexFormat.of().formatHex(bytes);
	}

}
