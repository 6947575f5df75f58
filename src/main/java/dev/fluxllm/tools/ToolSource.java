package dev.fluxllm.tools;

import dev.fluxllm.Tool;
import java.util.List;

/** Offers tools whose list may change between model rounds (an MCP server's). */
interface ToolSource {

    /** Returns who offers them, for messages (a server's name). */
    String name();

    /** Returns the tools offered now. */
    List<Tool> tools();

    /** Returns what runs the tool named {@code name}, null when it is not offered now. */
    ToolExecutor executor(String name);
}
