package io.github.elasticachesecure.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.jspecify.annotations.Nullable;

/**
 * A stand-in for ElastiCache's IAM check in front of a TLS {@code redis-server}, which cannot verify SigV4: a loopback
 * TLS proxy (the test bed's {@code localhost} certificate, issued by the trusted test CA) that opens its own TLS
 * connection to the server per client connection. Every {@code AUTH <user> <token>} and {@code HELLO … AUTH <user>
 * <token>} the client sends, the first one and every re-authentication, is checked with the given token check; an
 * accepted token is replaced by the user's real password, a refused one by a password the server refuses, so that
 * the server itself answers {@code WRONGPASS} in order with the other replies. Everything else is relayed unchanged.
 * Tokens are never printed or kept. A front before a cluster node ({@link #startForClusterNode}) also relays the
 * replication links of the node's replicas, which reach it through the port the cluster announces.
 */
public final class IamFront extends LoopbackTcpServer {

	private final int targetPort;

	private final BiPredicate<String, String> tokenCheck;

	private final String password;

	/** A user whose {@code AUTH} is relayed unchecked and uncounted, or {@code null}. */
	private final @Nullable String uncheckedUser;

	private final SSLContext serverContext;

	private final AtomicInteger accepted = new AtomicInteger();

	private final AtomicInteger refused = new AtomicInteger();

	private final List<SSLSocket> sockets = new CopyOnWriteArrayList<>();

	private IamFront(int targetPort, BiPredicate<String, String> tokenCheck, String password,
			@Nullable String uncheckedUser) {
		super(0, "iam-front");
		this.targetPort = targetPort;
		this.tokenCheck = tokenCheck;
		this.password = password;
		this.uncheckedUser = uncheckedUser;
		this.serverContext = serverContext(TestPki.get().localhost());
		startAccepting();
	}

	/**
	 * Starts a front for the given TLS server.
	 * @param target the TLS server, whose ACL user has {@code password}
	 * @param tokenCheck whether a (user, token) pair is valid
	 * @param password the ACL user's real password, sent in place of each valid token
	 * @return the running front
	 */
	public static IamFront start(RedisServerProcess target, BiPredicate<String, String> tokenCheck, String password) {
		return new IamFront(target.port(), tokenCheck, password, null);
	}

	/**
	 * Starts a front for a TLS server on {@code localhost:targetPort} whose certificate the trusted test CA issued.
	 * @param targetPort the server's TLS port on {@code localhost}
	 * @param tokenCheck whether a (user, token) pair is valid
	 * @param password the ACL user's real password, sent in place of each valid token
	 * @return the running front
	 */
	public static IamFront start(int targetPort, BiPredicate<String, String> tokenCheck, String password) {
		return new IamFront(targetPort, tokenCheck, password, null);
	}

	/**
	 * Starts a front for a node of a {@link RedisClusterProcess} that announces the front's port: its replicas then
	 * replicate through the front too, so their {@code AUTH} as the nodes' shared admin user is relayed unchecked and
	 * not counted, as ElastiCache's nodes replicate among themselves without IAM.
	 * @param node the cluster node, whose ACL user has {@code password}
	 * @param tokenCheck whether a (user, token) pair is valid
	 * @param password the ACL user's real password, sent in place of each valid token
	 * @return the running front
	 */
	public static IamFront startForClusterNode(RedisServerProcess node, BiPredicate<String, String> tokenCheck,
			String password) {
		return new IamFront(node.port(), tokenCheck, password, RedisServerProcess.ADMIN_USER);
	}

	/** @return number of tokens accepted so far (first authentications and re-authentications) */
	public int acceptedTokens() {
		return this.accepted.get();
	}

	/** @return number of tokens refused so far */
	public int refusedTokens() {
		return this.refused.get();
	}

	@Override
	void handle(Socket socket) {
		startDaemon(() -> serve(socket), "iam-front-connection");
	}

	private void serve(Socket socket) {
		SSLSocket client = null;
		SSLSocket server = null;
		try {
			client = (SSLSocket) this.serverContext.getSocketFactory()
				.createSocket(socket, null, socket.getPort(), true);
			client.setUseClientMode(false);
			this.sockets.add(client);
			client.startHandshake();
			server = (SSLSocket) TestPki.get().trustedCa().sslContext().getSocketFactory()
				.createSocket("localhost", this.targetPort);
			this.sockets.add(server);
			server.startHandshake();
			SSLSocket from = server;
			SSLSocket to = client;
			startDaemon(() -> pump(from, to, null), "iam-front-downstream");
			InputStream in = new BufferedInputStream(client.getInputStream());
			OutputStream out = server.getOutputStream();
			while (true) {
				List<byte[]> command = readCommand(in);
				out.write(encode(checked(command)));
				out.flush();
			}
		}
		catch (IOException | RuntimeException ex) {
			// a side closed, or not RESP: the connection ends
		}
		finally {
			if (client != null) {
				closeQuietly(client);
			}
			if (server != null) {
				closeQuietly(server);
			}
			closeQuietly(socket);
		}
	}

	/**
	 * The command with the token of its {@code AUTH} replaced: by the password if valid, else by a refused one.
	 */
	private List<byte[]> checked(List<byte[]> command) {
		int user = -1;
		String name = text(command.get(0));
		if (name.equalsIgnoreCase("AUTH") && command.size() == 3) {
			user = 1;
		}
		else if (name.equalsIgnoreCase("HELLO")) {
			for (int i = 1; i + 2 < command.size(); i++) {
				if (text(command.get(i)).equalsIgnoreCase("AUTH")) {
					user = i + 1;
				}
			}
		}
		if (user < 0 || text(command.get(user)).equals(this.uncheckedUser)) {
			return command;
		}
		List<byte[]> replaced = new ArrayList<>(command);
		boolean valid = this.tokenCheck.test(text(command.get(user)), text(command.get(user + 1)));
		(valid ? this.accepted : this.refused).incrementAndGet();
		replaced.set(user + 1, (valid ? this.password : "refused-by-the-iam-front").getBytes(StandardCharsets.UTF_8));
		return replaced;
	}

	/** Reads one RESP array of bulk strings, as clients send commands. */
	private static List<byte[]> readCommand(InputStream in) throws IOException {
		String header = readLine(in);
		if (!header.startsWith("*")) {
			throw new IOException("not a RESP array");
		}
		int count = Integer.parseInt(header.substring(1));
		List<byte[]> parts = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			String length = readLine(in);
			if (!length.startsWith("$")) {
				throw new IOException("not a bulk string");
			}
			byte[] part = in.readNBytes(Integer.parseInt(length.substring(1)));
			readLine(in);
			parts.add(part);
		}
		return parts;
	}

	private static String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = in.read()) != '\n') {
			if (b < 0) {
				throw new EOFException();
			}
			if (b != '\r') {
				line.write(b);
			}
		}
		return line.toString(StandardCharsets.US_ASCII);
	}

	private static byte[] encode(List<byte[]> command) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(("*" + command.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
		for (byte[] part : command) {
			out.writeBytes(("$" + part.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
			out.writeBytes(part);
			out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
		}
		return out.toByteArray();
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

	private static SSLContext serverContext(TestPki.ServerCertificate certificate) {
		try {
			String pem = Files.readString(certificate.privateKeyPem());
			byte[] der = Base64.getMimeDecoder()
				.decode(pem.replaceAll("-----[A-Z ]+-----", ""));
			PrivateKey key = KeyFactory.getInstance(certificate.certificate().getPublicKey().getAlgorithm())
				.generatePrivate(new PKCS8EncodedKeySpec(der));
			KeyStore keyStore = KeyStore.getInstance("PKCS12");
			keyStore.load(null, null);
			keyStore.setKeyEntry("server", key, new char[0],
					new Certificate[] { certificate.certificate(), certificate.issuer().certificate() });
			KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			kmf.init(keyStore, new char[0]);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(kmf.getKeyManagers(), null, null);
			return context;
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException("Could not build the IAM front's TLS context", ex);
		}
	}

	/** Stops listening and closes every connection. */
	@Override
	public void close() {
		super.close();
		this.sockets.forEach(LoopbackTcpServer::closeQuietly);
	}

	@Override
	public String toString() {
		return "IamFront[localhost:" + port() + " -> localhost:" + this.targetPort + "]";
	}

}
