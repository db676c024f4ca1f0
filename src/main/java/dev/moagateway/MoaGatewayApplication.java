package dev.moagateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class MoaGatewayApplication {

    public static void main(String[] args) {
        // One event loop per core: Reactor Netty's default of at least four only adds context switches on small machines.
        System.setProperty("reactor.netty.ioWorkerCount", System.getProperty("reactor.netty.ioWorkerCount",
                String.valueOf(Runtime.getRuntime().availableProcessors())));
        SpringApplication.run(MoaGatewayApplication.class, args);
    }
}
