package io.bulwark.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SecretNamesTest {

    @Test
    void secretsAreFoundByTheWordsOfTheName() {
        for (String name : List.of("password", "passWord", "newPassword2", "pass", "userPass", "db_pass", "passPhrase",
                "pw", "userPw", "pwd", "PIN", "pin", "pinCode", "mfaCode", "verificationCode", "otpCode", "smsCode",
                "recoveryCodes", "jwt", "idJwt", "bearer", "bearerToken", "sessionId", "SESSION_ID", "session_key",
                "apiKey", "API_KEY", "APIKey", "apikey", "privateKey", "clientSecret", "refreshToken", "otp",
                "totpSeed", "cvc", "authorization", "authHeader", "cookie", "credentials", "oneTimeCode",
                "passwords")) {
            assertTrue(SecretNames.looksSecret(name), name);
        }
    }

    @Test
    void wordsThatMerelyContainASecretAreNot() {
        for (String name : List.of("spinner", "pinned", "compass", "opinion", "bypass", "passenger", "passThrough",
                "passport", "zipCode", "countryCode", "statusCode", "errorCode", "key", "keys", "id", "userId",
                "sessionCount", "email", "tokenizer", "secretary", "keyboard", "sessions", "pwm", "shipping",
                "passed", "compassHeading")) {
            assertFalse(SecretNames.looksSecret(name), name);
        }
    }

    @Test
    void namesSplitAtCaseDigitsAndSeparators() {
        assertEquals(List.of("new", "password", "2"), SecretNames.words("newPassword2"));
        assertEquals(List.of("api", "key"), SecretNames.words("APIKey"));
        assertEquals(List.of("session", "id"), SecretNames.words("SESSION_ID"));
        assertEquals(List.of("pass", "word"), SecretNames.words("passWord"));
    }
}
