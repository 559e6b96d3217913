import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda'
import { appDeps } from '../../shared/composition.server'
import { config } from '../../shared/config.server'
import { handleApi } from '../../shared/http/api.server'
import { fromLambdaEvent, jsonError, toLambdaResult } from '../../shared/http/json.server'

// Validate the environment at cold start: a missing secret stops this function with a message naming it.
config()

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  try {
    return toLambdaResult(await handleApi(await appDeps(), fromLambdaEvent(event)))
  } catch (err) {
    // The details go to the function's log; the client gets a plain message and never a stack trace.
    console.error('api request failed', err)
    return toLambdaResult(jsonError(500, 'Something went wrong on our side. It has been logged.'))
  }
}
