package io.github.elasticachesecure.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Loopback ports for tests.
 */
public final class FreePorts {

	private FreePorts() {
	}

	/**
	 * Returns a port on {@code 127.0.0.1} that nothing listened on at the time of the
	 * call: the operating system picks it for a socket that is closed again right away.
	 * Connecting to it is refused (until something else happens to bind it), and it can
	 * be handed to a server to bind.
	 * @return the port number
	 */
	public static int unusedLoopbackPort() {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(false);
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not find a free loopback port", ex);
		}
	}

	/**
	 * Tells whether something accepts TCP connections on {@code 127.0.0.1:port}.
	 * @param port the port
	 * @return {@code true} if a connection could be opened within 500 ms
	 */
	public static boolean isListening(int port) {
		try (java.net.Socket socket = new java.net.Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
