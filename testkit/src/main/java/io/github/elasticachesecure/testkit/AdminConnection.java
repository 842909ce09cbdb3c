package io.github.elasticachesecure.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A minimal blocking RESP2 client for administering a test server. It authenticates with
 * {@code HELLO 2 AUTH ...} (so it never shows up in {@code cmdstat_auth}), names itself
 * {@value #CLIENT_NAME}, trusts only the CA that issued the server's certificate,
 * verifies the host name unless the certificate is deliberately wrong for it, and
 * reconnects once when the server dropped the connection.
 */
final class AdminConnection implements AutoCloseable {

	static final String CLIENT_NAME = "testbed-admin";

	private static final int TIMEOUT_MILLIS = 10_000;

	private final String host;

	private final int port;

	private final SSLContext sslContext;

	private final boolean verifyHostName;

	private final String user;

	private final String password;

	private Socket socket;

	private InputStream in;

	private OutputStream out;

	AdminConnection(String host, int port, SSLContext sslContext, boolean verifyHostName, String user,
			String password) {
		this.host = host;
		this.port = port;
		this.sslContext = sslContext;
		this.verifyHostName = verifyHostName;
		this.user = user;
		this.password = password;
	}

	/**
	 * Sends a command and returns its reply: {@code String} (status and bulk),
	 * {@code Long}, {@code List<Object>} or {@code null}.
	 * @throws RedisErrorReplyException if the server answered with an error
	 */
	synchronized Object command(String... args) {
		try {
			ensureConnected();
			return roundTrip(args);
		}
		catch (IOException firstFailure) {
			closeQuietly();
			try {
				ensureConnected();
				return roundTrip(args);
			}
			catch (IOException ex) {
				closeQuietly();
				ex.addSuppressed(firstFailure);
				throw new UncheckedIOException(
						"Admin command " + args[0] + " to " + this.host + ":" + this.port + " failed", ex);
			}
		}
	}

	private Object roundTrip(String... args) throws IOException {
		write(args);
		Object reply = read();
		if (reply instanceof ErrorReply error) {
			throw new RedisErrorReplyException(error.message());
		}
		return reply;
	}

	private void ensureConnected() throws IOException {
		if (this.socket != null && !this.socket.isClosed()) {
			return;
		}
		Socket plain = new Socket();
		try {
			plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), TIMEOUT_MILLIS);
			plain.setSoTimeout(TIMEOUT_MILLIS);
			Socket connected = plain;
			if (this.sslContext != null) {
				SSLSocket ssl = (SSLSocket) this.sslContext.getSocketFactory()
					.createSocket(plain, this.host, this.port, true);
				if (this.verifyHostName) {
					SSLParameters parameters = ssl.getSSLParameters();
					parameters.setEndpointIdentificationAlgorithm("HTTPS");
					ssl.setSSLParameters(parameters);
				}
				ssl.startHandshake();
				connected = ssl;
			}
			this.socket = connected;
			this.in = new BufferedInputStream(connected.getInputStream());
			this.out = connected.getOutputStream();
			// HELLO 2 AUTH: RESP2 replies, and the AUTH counter stays untouched by the
			// admin connection
			roundTrip("HELLO", "2", "AUTH", this.user, this.password, "SETNAME", CLIENT_NAME);
		}
		catch (IOException | RuntimeException ex) {
			plain.close();
			this.socket = null;
			throw ex;
		}
	}

	private void write(String... args) throws IOException {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream();
		buffer.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
		for (String arg : args) {
			byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
			buffer.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
			buffer.writeBytes(bytes);
			buffer.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
		}
		this.out.write(buffer.toByteArray());
		this.out.flush();
	}

	private Object read() throws IOException {
		int type = this.in.read();
		if (type < 0) {
			throw new EOFException("Connection closed by server");
		}
		String line = readLine();
		switch (type) {
			case '+':
				return line;
			case '-':
				return new ErrorReply(line);
			case ':':
				return Long.parseLong(line);
			case '$': {
				int length = Integer.parseInt(line);
				if (length < 0) {
					return null;
				}
				byte[] data = this.in.readNBytes(length + 2);
				if (data.length != length + 2) {
					throw new EOFException("Connection closed by server");
				}
				return new String(data, 0, length, StandardCharsets.UTF_8);
			}
			case '*': {
				int count = Integer.parseInt(line);
				if (count < 0) {
					return null;
				}
				List<Object> list = new ArrayList<>(count);
				for (int i = 0; i < count; i++) {
					Object element = read();
					list.add((element instanceof ErrorReply error) ? error.message() : element);
				}
				return list;
			}
			default:
				throw new IOException("Unexpected RESP type '" + (char) type + "'");
		}
	}

	private String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		while (true) {
			int b = this.in.read();
			if (b < 0) {
				throw new EOFException("Connection closed by server");
			}
			if (previous == '\r' && b == '\n') {
				byte[] bytes = line.toByteArray();
				return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
			}
			line.write(b);
			previous = b;
		}
	}

	private void closeQuietly() {
		if (this.socket != null) {
			try {
				this.socket.close();
			}
			catch (IOException ex) {
				// ignore
			}
			this.socket = null;
		}
	}

	@Override
	public synchronized void close() {
		closeQuietly();
	}

	private record ErrorReply(String message) {
	}

	@Override
	public String toString() {
		return "AdminConnection[" + this.user + "@" + this.host + ":" + this.port + "]";
	}

}
