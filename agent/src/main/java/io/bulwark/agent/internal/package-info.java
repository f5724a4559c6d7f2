/** Not API. The agent's installer and weaving, loaded in Bulwark's isolated class loader. */
package io.bulwark.agent.internal;
