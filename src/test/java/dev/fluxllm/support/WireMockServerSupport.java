package dev.fluxllm.support;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Starts one WireMock server on a free port per test class (warmed up once per JVM) and stops it after. */
public abstract class WireMockServerSupport {

    protected static WireMockServer wm;

    @BeforeAll
    static void startWireMock() {
        wm = new WireMockServer(options().dynamicPort());
        wm.start();
        WarmUp.against(wm);
    }

    @AfterAll
    static void stopWireMock() {
        wm.stop();
    }
}
