package io.github.elasticachesecure.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * Opens (and closes) a TCP connection to the endpoint's first address, to tell a network
 * problem from a TLS one. Nothing is sent.
 */
final class ConnectStep implements DoctorStep {

	static final String FIX = "Check the port (6379; 6380 for a serverless cache's reader port), that a security group "
			+ "of the cache allows inbound TCP on it from this host, and that this host is in the cache's VPC or "
			+ "connected to it (peering, VPN, Transit Gateway): ElastiCache endpoints are not reachable from the internet.";

	@Override
	public String name() {
		return "connect";
	}

	@Override
	public StepResult run(Diagnosis diagnosis) {
		InetSocketAddress address = new InetSocketAddress(diagnosis.address(), diagnosis.endpoint().port());
		String target = address.getAddress().getHostAddress() + ":" + address.getPort();
		long start = System.nanoTime();
		try (Socket socket = new Socket()) {
			socket.connect(address, (int) diagnosis.timeout().toMillis());
		}
		catch (SocketTimeoutException ex) {
			return StepResult.fail(name(), "no answer from " + target + " within " + diagnosis.timeout().toSeconds()
					+ " s (a security group or firewall dropping the connection)", FIX);
		}
		catch (IOException ex) {
			return StepResult.fail(name(), "cannot connect to " + target + ": " + ex.getMessage(), FIX);
		}
		diagnosis.reachableAddress(address);
		long millis = (System.nanoTime() - start) / 1_000_000;
		return StepResult.pass(name(), "TCP connection to " + target + " in " + millis + " ms")
			.with("connectMillis", millis);
	}

}
