package dev.moagateway;

import java.util.Arrays;

import dev.moagateway.eval.EvalCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class MoaGatewayApplication {

    public static void main(String[] args) {
        // One event loop per core: Reactor Netty's default of at least four only adds context switches on small machines.
        System.setProperty("reactor.netty.ioWorkerCount", System.getProperty("reactor.netty.ioWorkerCount",
                String.valueOf(Runtime.getRuntime().availableProcessors())));
        if (args.length > 0 && args[0].equals("eval")) {
            System.exit(EvalCommand.run(MoaGatewayApplication.class, Arrays.copyOfRange(args, 1, args.length)));
        }
        SpringApplication.run(MoaGatewayApplication.class, args);
    }
}
