/** Not API. Key templates resolved against a method, shared by the runtime and the processor. */
package io.bulwark.rules.key;
