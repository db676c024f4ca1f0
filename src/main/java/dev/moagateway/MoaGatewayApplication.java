package dev.moagateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class MoaGatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(MoaGatewayApplication.class, args);
    }
}
