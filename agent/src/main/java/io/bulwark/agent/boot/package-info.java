/**
 * The agent's entry points, loaded by the system class loader from the agent jar: JDK classes only. They put
 * the public API in the bootstrap class loader and start everything else in an isolated class loader.
 */
package io.bulwark.agent.boot;
